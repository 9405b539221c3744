import type { ChartSpec } from "./spec.ts";
import type { BuiltChart } from "./result.ts";
import { distinct, label, num, PALETTE, type ChartContext } from "./context.ts";
import type { Column, Row } from "../table.ts";

type StackedSpec = Extract<ChartSpec, { kind: "stackedBar" }>;

/** Category × series, stacked (e.g. households by district, stacked by ethnicity). */
export function stackedBarChart(spec: StackedSpec, rows: readonly Row[], ctx: ChartContext): BuiltChart {
  const cats = distinct(rows, spec.category);
  const series = distinct(rows, spec.series);
  const m = new Map<string, number | null>();
  for (const r of rows) m.set(`${r[spec.category]}\u0000${r[spec.series]}`, num(r[spec.value]));
  const cell = (c: string, s: string) => m.get(`${c}\u0000${s}`) ?? null;
  const totals = cats.map((c) => series.reduce((a, s) => a + (cell(c, s) ?? 0), 0));
  const shown = (c: number, s: string) => {
    const v = cell(cats[c], s);
    if (!spec.percent || v === null) return v;
    return totals[c] ? (100 * v) / totals[c] : null;
  };
  const catAxis = { type: "category", data: cats, axisLabel: { interval: 0, rotate: spec.horizontal || cats.length <= 6 ? 0 : 35 } };
  const valAxis = { type: "value", name: spec.percent ? "%" : (ctx.unit ?? ""), max: spec.percent ? 100 : undefined };
  const option = {
    color: PALETTE,
    animation: false,
    legend: { type: "scroll", bottom: 0 },
    grid: { left: spec.horizontal ? 150 : 60, right: 30, top: 30, bottom: spec.horizontal ? 50 : 100 },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    xAxis: spec.horizontal ? valAxis : catAxis,
    yAxis: spec.horizontal ? { ...catAxis, inverse: true } : valAxis,
    series: series.map((s) => ({ type: "bar", name: s, stack: "total", emphasis: { focus: "series" }, data: cats.map((_, i) => shown(i, s)) })),
  };
  const columns: Column[] = [
    { key: "category", label: label(ctx, spec.category), type: "string" },
    ...series.map((s, i) => ({ key: `s${i}`, label: s, type: "number" as const, unit: ctx.unit, digits: spec.digits })),
    { key: "total", label: "Tổng", type: "number", unit: ctx.unit, digits: spec.digits },
  ];
  return {
    option: cats.length ? option : null,
    table: {
      columns,
      rows: cats.map((c, ci) => ({ category: c, ...Object.fromEntries(series.map((s, i) => [`s${i}`, cell(c, s)])), total: totals[ci] })),
    },
    meta: { kind: "stackedBar", unit: spec.percent ? "%" : ctx.unit, digits: spec.digits, valueAxis: spec.horizontal ? "x" : "y", percentStack: spec.percent },
  };
}
