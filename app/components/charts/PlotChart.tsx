import { useEffect, useRef } from "react";

/**
 * The analyst's chart, drawn in the browser with Observable Plot from the
 * page's pivot cells: a line over periods, bars for one series, a heat map
 * (cell) otherwise. Plot is loaded lazily; without JavaScript the pivot
 * table carries the numbers.
 */
export interface PlotPoint {
  row: string;
  col: string;
  value: number;
}

export function PlotChart({ points, kind, unit, label }: { points: PlotPoint[]; kind: "line" | "bar" | "cell"; unit: string; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || !points.length) return;
    let cancelled = false;
    (async () => {
      const Plot = await import("@observablehq/plot");
      if (cancelled) return;
      const fmt = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 2 });
      const width = Math.max(320, el.clientWidth || 800);
      let chart: Element;
      if (kind === "line") {
        chart = Plot.plot({
          width, height: 360, marginLeft: 60, y: { grid: true, label: unit, tickFormat: (d: number) => fmt.format(d) }, x: { label: null, type: "point" }, color: { legend: true },
          marks: [Plot.lineY(points, { x: "row", y: "value", stroke: "col", marker: true, tip: true }), Plot.ruleY([0])],
        });
      } else if (kind === "bar") {
        chart = Plot.plot({
          width, height: Math.max(200, 22 * new Set(points.map((p) => p.row)).size + 60), marginLeft: 180, x: { grid: true, label: unit, tickFormat: (d: number) => fmt.format(d) }, y: { label: null },
          marks: [Plot.barX(points, { y: "row", x: "value", fill: "#1f4e79", sort: { y: "-x" }, tip: true }), Plot.ruleX([0])],
        });
      } else {
        chart = Plot.plot({
          width, marginLeft: 180, marginBottom: 80, padding: 0.05, x: { label: null, tickRotate: -30 }, y: { label: null }, color: { scheme: "blues", legend: true, label: unit },
          marks: [Plot.cell(points, { x: "col", y: "row", fill: "value", tip: true }), Plot.text(points, { x: "col", y: "row", text: (d: PlotPoint) => fmt.format(d.value), fill: "black", fontSize: 9 })],
        });
      }
      el.replaceChildren(chart);
      el.dataset.drawn = "1";
    })().catch((e) => console.warn("plot failed", e));
    return () => {
      cancelled = true;
    };
  }, [points, kind, unit]);
  return <div ref={ref} className="plot" role="img" aria-label={label} />;
}
