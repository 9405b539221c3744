import type { ChartSpec } from "./spec.ts";
import type { BuiltChart } from "./result.ts";
import type { ChartContext } from "./context.ts";
import type { Row } from "../table.ts";
import { barChart } from "./bar.ts";
import { stackedBarChart } from "./stacked-bar.ts";
import { lineChart } from "./line.ts";
import { pieChart } from "./pie.ts";
import { heatmapChart } from "./heatmap.ts";
import { rankingChart } from "./ranking.ts";
import { choroplethChart } from "./choropleth.ts";
import { tableOnly } from "./table-only.ts";
import { kpiCards } from "./kpi.ts";

/**
 * (spec, rows) → option + table. Pure: no I/O, no echarts instance. When no
 * row has a value there is nothing to draw (option null); the table stays.
 */
export function buildChart(spec: ChartSpec, rows: readonly Row[], ctx: ChartContext): BuiltChart {
  const built = dispatch(spec, rows, ctx);
  const hasValue = rows.some((r) => typeof r[spec.value] === "number" && Number.isFinite(r[spec.value] as number));
  return hasValue ? built : { ...built, option: null };
}

function dispatch(spec: ChartSpec, rows: readonly Row[], ctx: ChartContext): BuiltChart {
  switch (spec.kind) {
    case "bar":
      return barChart(spec, rows, ctx);
    case "stackedBar":
      return stackedBarChart(spec, rows, ctx);
    case "line":
      return lineChart(spec, rows, ctx);
    case "pie":
      return pieChart(spec, rows, ctx);
    case "heatmap":
      return heatmapChart(spec, rows, ctx);
    case "ranking":
      return rankingChart(spec, rows, ctx);
    case "table":
      return tableOnly(spec, rows, ctx);
    case "kpi":
      return kpiCards(spec, rows, ctx);
    case "choropleth":
      return choroplethChart(spec, rows, ctx);
  }
}
