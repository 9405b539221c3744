import type { ChartSpec } from "./spec.ts";
import type { BuiltChart } from "./result.ts";
import { label, num, PALETTE, type ChartContext } from "./context.ts";
import type { Row } from "../table.ts";

type RankSpec = Extract<ChartSpec, { kind: "ranking" }>;

/**
 * A ranking table (communes of a district by an indicator) with a compact
 * horizontal bar beside it. Ties share a rank (1, 2, 2, 4); missing values
 * come last without a rank.
 */
export function rankingChart(spec: RankSpec, rows: readonly Row[], ctx: ChartContext): BuiltChart {
  const dir = spec.order === "asc" ? 1 : -1;
  const items = rows
    .map((r) => ({ name: String(r[spec.label] ?? "–"), value: num(r[spec.value]) }))
    .sort((a, b) => (a.value === null ? 1 : b.value === null ? -1 : dir * (a.value - b.value) || a.name.localeCompare(b.name, "vi")))
    .slice(0, spec.limit);
  let rank = 0;
  const ranked = items.map((it, i) => {
    if (it.value === null) return { ...it, rank: null as number | null };
    if (i === 0 || items[i - 1].value !== it.value) rank = i + 1;
    return { ...it, rank };
  });
  const option = {
    color: PALETTE,
    animation: false,
    grid: { left: 170, right: 60, top: 10, bottom: 20 },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    xAxis: { type: "value", name: ctx.unit ?? "" },
    yAxis: { type: "category", inverse: true, data: ranked.map((r) => (r.rank ? `${r.rank}. ${r.name}` : r.name)), axisLabel: { interval: 0 } },
    series: [{ type: "bar", name: ctx.valueLabel, data: ranked.map((r) => r.value), label: { show: true, position: "right" } }],
  };
  return {
    option: ranked.length ? option : null,
    table: {
      columns: [
        { key: "rank", label: ctx.lang === "en" ? "Rank" : "Hạng", type: "integer" },
        { key: "name", label: label(ctx, spec.label), type: "string" },
        { key: "value", label: ctx.valueLabel, type: "number", unit: ctx.unit, digits: spec.digits },
      ],
      rows: ranked.map((r) => ({ rank: r.rank, name: r.name, value: r.value })),
    },
    meta: { kind: "ranking", unit: ctx.unit, digits: spec.digits, valueAxis: "x" },
  };
}
