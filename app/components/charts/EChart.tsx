import { useEffect, useRef } from "react";
import { applyFormatters } from "../../../dashboards/charts/formatters.ts";
import type { ChartMeta } from "../../../dashboards/charts/result.ts";
import type { Lang } from "../../../dashboards/charts/format.ts";

/**
 * A dashboard chart: the server-rendered SVG paints first (and is what prints
 * and works without JavaScript); in the browser ECharts takes over the same
 * box for tooltips and legend toggling. echarts is loaded lazily so pages
 * without charts don't pay for it.
 */
const registered = new Set<string>();

async function ensureMap(echarts: typeof import("echarts"), name: string) {
  if (registered.has(name) || echarts.getMap(name)) return;
  const res = await fetch(`/dashboards/maps/${encodeURIComponent(name)}`);
  if (!res.ok) throw new Error(`map ${name}: ${res.status}`);
  echarts.registerMap(name, await res.json());
  registered.add(name);
}

export function EChart(props: { option: Record<string, unknown> | null; meta: ChartMeta; svg: string | null; height: number; lang: Lang; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || !props.option) return;
    let disposed = false;
    let inst: import("echarts").ECharts | null = null;
    let observer: ResizeObserver | null = null;
    (async () => {
      const echarts = await import("echarts");
      const series = (props.option!.series as { type?: string; map?: string }[] | undefined) ?? [];
      for (const s of series) if (s.type === "map" && s.map) await ensureMap(echarts, s.map);
      if (disposed) return;
      el.innerHTML = "";
      inst = echarts.init(el, null, { renderer: "svg" });
      inst.setOption(applyFormatters(props.option!, props.meta, props.lang) as never);
      el.dataset.hydrated = "1";
      observer = new ResizeObserver(() => inst?.resize());
      observer.observe(el);
    })().catch((e) => {
      // keep the server SVG if hydration fails
      console.warn("chart hydration failed", e);
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      inst?.dispose();
    };
  }, [props.option, props.meta, props.lang]);
  if (!props.option) return null;
  return (
    <div
      ref={ref}
      className="chart"
      role="img"
      aria-label={props.label}
      style={{ height: props.height, width: "100%" }}
      dangerouslySetInnerHTML={props.svg ? { __html: props.svg } : undefined}
    />
  );
}
