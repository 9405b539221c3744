import type { ChartSpec } from "./spec.ts";
import type { BuiltChart } from "./result.ts";
import { num, type ChartContext } from "./context.ts";
import type { Row } from "../table.ts";

type TableSpec = Extract<ChartSpec, { kind: "table" }>;

/** A plain table panel (e.g. a commune's profile): no drawing, typed columns. */
export function tableOnly(spec: TableSpec, rows: readonly Row[], ctx: ChartContext): BuiltChart {
  return {
    option: null,
    table: {
      columns: spec.columns.map((c, i) => ({ key: `c${i}`, label: c.label, type: c.type, digits: c.digits })),
      rows: rows.map((r) => Object.fromEntries(spec.columns.map((c, i) => [`c${i}`, c.type === "string" ? (r[c.field] == null ? null : String(r[c.field])) : num(r[c.field])]))),
    },
    meta: { kind: "table", unit: ctx.unit, digits: spec.digits },
  };
}
