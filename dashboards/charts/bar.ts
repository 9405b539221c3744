import type { ChartSpec } from "./spec.ts";
import type { BuiltChart } from "./result.ts";
import { label, num, PALETTE, type ChartContext } from "./context.ts";
import type { Row } from "../table.ts";

type BarSpec = Extract<ChartSpec, { kind: "bar" }>;

/** One value per category (e.g. poverty rate by district). */
export function barChart(spec: BarSpec, rows: readonly Row[], ctx: ChartContext): BuiltChart {
  let items = rows.map((r) => ({ name: String(r[spec.category] ?? "–"), value: num(r[spec.value]) }));
  if (spec.sort !== "none") {
    const dir = spec.sort === "asc" ? 1 : -1;
    items = [...items].sort((a, b) => dir * ((a.value ?? -Infinity) - (b.value ?? -Infinity)));
  }
  const catAxis = { type: "category", data: items.map((i) => i.name), axisLabel: { interval: 0, rotate: spec.horizontal || items.length <= 6 ? 0 : 35 } };
  const valAxis = { type: "value", name: ctx.unit ?? "" };
  const option = {
    color: PALETTE,
    animation: false,
    grid: { left: spec.horizontal ? 150 : 60, right: 30, top: 30, bottom: spec.horizontal ? 30 : 80, containLabel: false },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    xAxis: spec.horizontal ? valAxis : catAxis,
    yAxis: spec.horizontal ? { ...catAxis, inverse: true, axisLabel: { interval: 0 } } : valAxis,
    series: [{ type: "bar", name: ctx.valueLabel, data: items.map((i) => i.value), label: { show: items.length <= 20, position: spec.horizontal ? "right" : "top" } }],
  };
  return {
    option: items.length ? option : null,
    table: {
      columns: [
        { key: "category", label: label(ctx, spec.category), type: "string" },
        { key: "value", label: ctx.valueLabel, type: "number", unit: ctx.unit, digits: spec.digits },
      ],
      rows: items.map((i) => ({ category: i.name, value: i.value })),
    },
    meta: { kind: "bar", unit: ctx.unit, digits: spec.digits, valueAxis: spec.horizontal ? "x" : "y" },
  };
}
