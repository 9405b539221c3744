import * as echarts from "echarts";
import type { BuiltChart } from "./result.ts";
import { applyFormatters } from "./formatters.ts";
import type { Lang } from "./format.ts";
import { ensureMapRegistered } from "../maps/load.server.ts";
import { MAPS, type MapName } from "../maps/registry.ts";

/**
 * Server-side rendering of a built chart to an SVG string (first paint,
 * print and PDF). ECharts' SSR mode needs no DOM. Returns null when there is
 * nothing to draw or the map file is missing (the table still shows).
 */
export function renderSvg(chart: BuiltChart, opts: { width?: number; height?: number; lang?: Lang } = {}): string | null {
  if (!chart.option) return null;
  const series = (chart.option.series as { type?: string; map?: string }[] | undefined) ?? [];
  for (const s of series) {
    if (s.type === "map" && s.map) {
      if (!(s.map in MAPS) || !ensureMapRegistered(s.map as MapName)) return null;
    }
  }
  const inst = echarts.init(null, null, { renderer: "svg", ssr: true, width: opts.width ?? 640, height: opts.height ?? 360 });
  try {
    inst.setOption({ ...applyFormatters(chart.option, chart.meta, opts.lang ?? "vi"), animation: false } as echarts.EChartsOption);
    return inst.renderToSVGString();
  } finally {
    inst.dispose();
  }
}
