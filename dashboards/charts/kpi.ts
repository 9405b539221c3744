import type { ChartSpec } from "./spec.ts";
import type { BuiltChart } from "./result.ts";
import { num, type ChartContext } from "./context.ts";
import type { Row } from "../table.ts";

type KpiSpec = Extract<ChartSpec, { kind: "kpi" }>;

/**
 * Headline figures: per indicator, the value of the latest period in the
 * rows and the change from the period before (rows arrive ordered by
 * indicator, then period). Drawn as cards by the page; no chart option.
 */
export function kpiCards(spec: KpiSpec, rows: readonly Row[], ctx: ChartContext): BuiltChart {
  const by = new Map<string, { unit: string; vals: (number | null)[] }>();
  for (const r of rows) {
    const k = String(r[spec.label] ?? "–");
    const e = by.get(k) ?? { unit: String(r[spec.unitField] ?? ""), vals: [] };
    e.vals.push(num(r[spec.value]));
    by.set(k, e);
  }
  const en = ctx.lang === "en";
  return {
    option: null,
    table: {
      columns: [
        { key: "name", label: en ? "Indicator" : "Chỉ tiêu", type: "string" },
        { key: "current", label: en ? "This period" : "Kỳ này", type: "number", digits: spec.digits },
        { key: "previous", label: en ? "Previous period" : "Kỳ trước", type: "number", digits: spec.digits },
        { key: "change", label: en ? "Change" : "Thay đổi", type: "number", digits: spec.digits },
        { key: "unit", label: en ? "Unit" : "Đơn vị tính", type: "string" },
      ],
      rows: [...by].map(([name, e]) => {
        const current = e.vals.length ? e.vals[e.vals.length - 1] : null;
        const previous = e.vals.length > 1 ? e.vals[e.vals.length - 2] : null;
        return { name, current, previous, change: current !== null && previous !== null ? current - previous : null, unit: e.unit };
      }),
    },
    meta: { kind: "kpi", digits: spec.digits },
  };
}
