import type { ChartSpec } from "./spec.ts";
import type { BuiltChart } from "./result.ts";
import { label, num, PALETTE, type ChartContext } from "./context.ts";
import type { Row } from "../table.ts";

type PieSpec = Extract<ChartSpec, { kind: "pie" }>;

/**
 * Shares of a whole (e.g. population by ethnicity). The largest `top`
 * categories are drawn, the rest grouped as "Khác"; the table keeps all.
 */
export function pieChart(spec: PieSpec, rows: readonly Row[], ctx: ChartContext): BuiltChart {
  const items = rows
    .map((r) => ({ name: String(r[spec.category] ?? "–"), value: num(r[spec.value]) }))
    .filter((i): i is { name: string; value: number } => i.value !== null && i.value > 0)
    .sort((a, b) => b.value - a.value);
  const total = items.reduce((a, i) => a + i.value, 0);
  const drawn = items.length > spec.top ? [...items.slice(0, spec.top - 1), { name: ctx.lang === "en" ? "Other" : "Khác", value: items.slice(spec.top - 1).reduce((a, i) => a + i.value, 0) }] : items;
  const option = {
    color: PALETTE,
    animation: false,
    tooltip: { trigger: "item" },
    legend: { type: "scroll", orient: "vertical", right: 10, top: 20, bottom: 20 },
    series: [
      {
        type: "pie",
        name: ctx.valueLabel,
        radius: spec.donut ? ["40%", "70%"] : "70%",
        center: ["38%", "50%"],
        label: { formatter: "{d}%" },
        data: drawn,
      },
    ],
  };
  return {
    option: items.length ? option : null,
    table: {
      columns: [
        { key: "category", label: label(ctx, spec.category), type: "string" },
        { key: "value", label: ctx.valueLabel, type: "number", unit: ctx.unit, digits: spec.digits },
        { key: "share", label: ctx.lang === "en" ? "Share" : "Tỷ trọng", type: "number", unit: "%", digits: 1 },
      ],
      rows: items.map((i) => ({ category: i.name, value: i.value, share: total ? (100 * i.value) / total : null })),
    },
    meta: { kind: "pie", unit: ctx.unit, digits: spec.digits },
  };
}
