import type { ChartSpec } from "./spec.ts";
import type { BuiltChart } from "./result.ts";
import { distinct, label, num, PALETTE, type ChartContext } from "./context.ts";
import type { Column, Row } from "../table.ts";

type LineSpec = Extract<ChartSpec, { kind: "line" }>;

/** A trend over periods, one line per series (or a single line). */
export function lineChart(spec: LineSpec, rows: readonly Row[], ctx: ChartContext): BuiltChart {
  const xs = distinct(rows, spec.x);
  const series = spec.series ? distinct(rows, spec.series) : [ctx.valueLabel];
  const m = new Map<string, number | null>();
  for (const r of rows) m.set(`${r[spec.x]}\u0000${spec.series ? r[spec.series] : ctx.valueLabel}`, num(r[spec.value]));
  const cell = (x: string, s: string) => m.get(`${x}\u0000${s}`) ?? null;
  const option = {
    color: PALETTE,
    animation: false,
    legend: series.length > 1 ? { type: "scroll", bottom: 0 } : undefined,
    grid: { left: 60, right: 30, top: 30, bottom: series.length > 1 ? 60 : 40 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: xs, boundaryGap: false },
    yAxis: { type: "value", name: ctx.unit ?? "", scale: true },
    series: series.map((s) => ({ type: "line", name: s, connectNulls: false, symbolSize: 7, data: xs.map((x) => cell(x, s)), label: { show: xs.length <= 12 && series.length <= 3 } })),
  };
  const columns: Column[] = [
    { key: "x", label: label(ctx, spec.x), type: "string" },
    ...series.map((s, i) => ({ key: `s${i}`, label: s, type: "number" as const, unit: ctx.unit, digits: spec.digits })),
  ];
  return {
    option: xs.length ? option : null,
    table: { columns, rows: xs.map((x) => ({ x, ...Object.fromEntries(series.map((s, i) => [`s${i}`, cell(x, s)])) })) },
    meta: { kind: "line", unit: ctx.unit, digits: spec.digits, valueAxis: "y" },
  };
}
