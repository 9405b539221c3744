import type { ChartMeta } from "./result.ts";
import { fmtCompact, fmtValue, type Lang } from "./format.ts";

/**
 * Re-attach the functions a JSON option cannot carry: vi-VN value labels,
 * axis ticks and tooltips. Used for the server SVG and in the browser, so
 * both show the same numbers. Returns a new option; the input is not changed.
 */
export function applyFormatters(option: Record<string, unknown>, meta: ChartMeta, lang: Lang): Record<string, unknown> {
  const o = structuredClone(option) as Record<string, any>;
  // No white halo around value labels: the PDF's SVG renderer ignores paint-order
  // and would paint the halo over the text (labels sit outside the bars anyway).
  for (const s of o.series ?? []) s.label = { ...s.label, textBorderWidth: 0, textBorderColor: "transparent" };
  const v = (x: unknown) => fmtValue(typeof x === "number" ? x : x === null || x === undefined ? null : Number(x), meta.unit, lang, meta.digits);
  const shortV = (x: unknown) => (typeof x === "number" ? fmtCompact(x, lang) : String(x));
  if (meta.kind === "heatmap") {
    o.tooltip = { ...o.tooltip, formatter: (p: any) => `${o.yAxis.data[p.data[1]]}<br/>${o.xAxis.data[p.data[0]]}: <b>${v(p.data[3])}</b>` };
    for (const s of o.series ?? []) s.label = { ...s.label, formatter: (p: any) => fmtValue(p.data[3], undefined, lang, meta.digits) };
    return o;
  }
  if (meta.kind === "choropleth") {
    o.tooltip = { ...o.tooltip, formatter: (p: any) => `${p.data?.unitName ?? p.name}<br/><b>${v(p.data?.value ?? null)}</b>` };
    if (o.visualMap) o.visualMap.formatter = (x: number) => fmtValue(x, undefined, lang, meta.digits);
    return o;
  }
  if (meta.kind === "pie") {
    o.tooltip = { ...o.tooltip, formatter: (p: any) => `${p.name}: <b>${v(p.value)}</b> (${fmtValue(p.percent, "%", lang, 1)})` };
    // vi-VN shares; slices under 2 % get no label (they would overlap), the legend and table keep them
    for (const s of o.series ?? []) s.label = { ...s.label, formatter: (p: any) => (p.percent >= 2 ? fmtValue(p.percent, "%", lang, 1) : "") };
    return o;
  }
  o.tooltip = { ...o.tooltip, valueFormatter: (x: unknown) => (meta.percentStack ? fmtValue(x as number, "%", lang, 1) : v(x)) };
  const axis = meta.valueAxis === "x" ? o.xAxis : o.yAxis;
  if (axis) axis.axisLabel = { ...axis.axisLabel, formatter: shortV };
  for (const s of o.series ?? []) if (s.label?.show) s.label = { ...s.label, formatter: (p: any) => fmtValue(p.value, undefined, lang, meta.digits) };
  return o;
}
