import { queryCompleteness, queryIndicators } from "../warehouse/query/index.ts";
import type { Scope, WarehouseReader } from "../warehouse/query/types.ts";
import { panelsFor, type Dashboard, type Panel, type PanelRows } from "./definition.ts";
import type { DashboardContext } from "./context.ts";
import { buildChart } from "./charts/build.ts";
import type { BuiltChart } from "./charts/result.ts";
import type { Lang } from "./charts/format.ts";
import type { Row } from "./table.ts";

/**
 * Run a dashboard: each panel's query goes to the warehouse query layer with
 * the caller's scope (applied inside the layer), its rows to the chart
 * builder. Panels run in parallel; one failing panel shows its error, the
 * others still render.
 */
export interface PanelResult {
  id: string;
  title: string;
  description?: string;
  width: "half" | "full";
  height: number;
  chart: BuiltChart | null;
  rowCount: number;
  error: string | null;
}

export async function runPanelRows(wh: WarehouseReader, scope: Scope, panel: Panel, ctx: DashboardContext): Promise<{ rows: Row[]; raw: PanelRows } | null> {
  const q = panel.query(ctx);
  if (!q) return null;
  const raw: PanelRows = q.source === "indicators" ? (await queryIndicators(wh, scope, q.query)).rows : await queryCompleteness(wh, scope, q.query);
  const rows = panel.rows ? panel.rows(raw, ctx) : (raw as unknown as Row[]);
  return { rows, raw };
}

export async function runPanel(wh: WarehouseReader, scope: Scope, panel: Panel, ctx: DashboardContext, lang: Lang = "vi"): Promise<PanelResult> {
  const base = { id: panel.id, title: panel.title, description: panel.description, width: panel.width, height: panel.height };
  try {
    const r = await runPanelRows(wh, scope, panel, ctx);
    if (!r) return { ...base, chart: null, rowCount: 0, error: null };
    const chart = buildChart(panel.chart, r.rows, { lang, valueLabel: panel.valueLabel ?? panel.title, unit: panel.unit, labels: panel.labels });
    chart.table.title = panel.title;
    return { ...base, chart, rowCount: r.rows.length, error: null };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { ...base, chart: null, rowCount: 0, error: msg };
  }
}

/** Panels visible under the domain filter. */
export function visiblePanels(d: Dashboard, ctx: DashboardContext): Panel[] {
  const all = panelsFor(d, ctx);
  const dom = d.id === "sector" ? null : ctx.filters.domain;
  return dom ? all.filter((p) => p.domain === null || p.domain === dom) : all;
}

export async function runDashboard(wh: WarehouseReader, scope: Scope, d: Dashboard, ctx: DashboardContext, lang: Lang = "vi"): Promise<PanelResult[]> {
  return Promise.all(visiblePanels(d, ctx).map((p) => runPanel(wh, scope, p, ctx, lang)));
}
