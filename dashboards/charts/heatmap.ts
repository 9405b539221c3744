import type { ChartSpec } from "./spec.ts";
import type { BuiltChart } from "./result.ts";
import { distinct, label, num, type ChartContext } from "./context.ts";
import type { Column, Row } from "../table.ts";

type HeatSpec = Extract<ChartSpec, { kind: "heatmap" }>;

/**
 * Commune × indicator. Indicators have different scales, so the colour is the
 * value's position between its column's minimum and maximum (0–1); the cell's
 * label and the table show the real value.
 */
export function heatmapChart(spec: HeatSpec, rows: readonly Row[], ctx: ChartContext): BuiltChart {
  const xs = distinct(rows, spec.x);
  const ys = distinct(rows, spec.y);
  const m = new Map<string, number | null>();
  for (const r of rows) m.set(`${r[spec.x]}\u0000${r[spec.y]}`, num(r[spec.value]));
  const cell = (x: string, y: string) => m.get(`${x}\u0000${y}`) ?? null;
  const range = xs.map((x) => {
    const vs = ys.map((y) => cell(x, y)).filter((v): v is number => v !== null);
    return vs.length ? [Math.min(...vs), Math.max(...vs)] : [0, 0];
  });
  const data: [number, number, number | null, number | null][] = [];
  xs.forEach((x, xi) =>
    ys.forEach((y, yi) => {
      const v = cell(x, y);
      const [lo, hi] = range[xi];
      data.push([xi, yi, v === null ? null : hi > lo ? (v - lo) / (hi - lo) : 0.5, v]);
    }),
  );
  const option = {
    animation: false,
    tooltip: { position: "top" },
    grid: { left: 160, right: 20, top: 90, bottom: 20 },
    xAxis: { type: "category", data: xs, position: "top", axisLabel: { interval: 0, rotate: 30 }, splitArea: { show: true } },
    yAxis: { type: "category", data: ys, inverse: true, axisLabel: { interval: 0 }, splitArea: { show: true } },
    visualMap: { min: 0, max: 1, dimension: 2, show: false, inRange: { color: ["#f7fbff", "#6baed6", "#08306b"] } },
    series: [{ type: "heatmap", name: ctx.valueLabel, data, label: { show: xs.length * ys.length <= 400 }, encode: { x: 0, y: 1, value: 3 } }],
  };
  const columns: Column[] = [
    { key: "y", label: label(ctx, spec.y), type: "string" },
    ...xs.map((x, i) => ({ key: `x${i}`, label: x, type: "number" as const, digits: spec.digits })),
  ];
  return {
    option: data.length ? option : null,
    table: { columns, rows: ys.map((y) => ({ y, ...Object.fromEntries(xs.map((x, i) => [`x${i}`, cell(x, y)])) })) },
    meta: { kind: "heatmap", digits: spec.digits },
  };
}
