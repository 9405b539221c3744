import type { Db } from "../db/knex.server.ts";
import type { Scope } from "../scope/scope.ts";
import type { WarehouseReader } from "../../warehouse/query/types.ts";
import { getDashboard } from "../../dashboards/registry.ts";
import { panelsFor, type Dashboard, type Panel } from "../../dashboards/definition.ts";
import type { DashboardContext } from "../../dashboards/context.ts";
import { runDashboard } from "../../dashboards/run.ts";
import { renderSvg } from "../../dashboards/charts/render-svg.server.ts";
import { prepareDashboard } from "./dashboard-page.server.ts";

/**
 * Server time of a dashboard page, as its loader spends it (minus the
 * session check): filter/unit resolution, every panel's query through the
 * query layer, chart building and SVG rendering. For `npm run bench`:
 *
 *   const t = await measureDashboardPage({ db, wh, scope: provinceScope, remap: BENCH_REMAP });
 *   // → { dashboard, runs, median_ms, p95_ms, min_ms, query_ms, svg_ms, panels, rows }
 *
 * `remap` renames indicator codes in every panel's query, for synthetic data
 * whose catalogue uses other codes (the bench generator's B001…, BR_RATE).
 */
export const BENCH_REMAP: Record<string, string> = {
  POP: "B001", HH: "B002", HH_POOR: "B002", HH_NEAR_POOR: "B003", HH_REVIEWED: "B001",
  POVERTY_RATE: "BR_RATE", NEAR_POVERTY_RATE: "BR_RATE", GRID_RATE: "BR_RATE", PAVED_ROAD_RATE: "BR_RATE", CLEAN_WATER_RATE: "BR_RATE",
};

/** The same dashboard with indicator codes renamed in every panel's query. */
export function remapIndicators(d: Dashboard, map: Record<string, string>): Dashboard {
  const wrap = (p: Panel): Panel => ({
    ...p,
    query: (ctx: DashboardContext) => {
      const q = p.query(ctx);
      if (!q || q.source !== "indicators") return q;
      return { ...q, query: { ...q.query, indicators: [...new Set(q.query.indicators.map((c) => map[c] ?? c))] } };
    },
  });
  return { ...d, panels: (ctx: DashboardContext) => panelsFor(d, ctx).map(wrap) } as Dashboard;
}
export interface DashboardPageTiming {
  dashboard: string;
  runs: number;
  median_ms: number;
  p95_ms: number;
  min_ms: number;
  /** Median of the query part (setup + panels) and of the SVG part. */
  query_ms: number;
  svg_ms: number;
  panels: number;
  /** Chart rows returned by all panels (to see the page did real work). */
  rows: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const round = (x: number) => Math.round(x * 100) / 100;

export async function measureDashboardPage(opts: { db: Db; wh: WarehouseReader; scope: Scope; dashboardId?: string; search?: string; runs?: number; warmup?: number; remap?: Record<string, string> }): Promise<DashboardPageTiming> {
  const found = getDashboard(opts.dashboardId ?? "province");
  if (!found) throw new Error(`no dashboard ${opts.dashboardId}`);
  const d = opts.remap ? remapIndicators(found, opts.remap) : found;
  const url = new URL(`http://bench/dashboards/${d.id}${opts.search ?? ""}`);
  const runs = opts.runs ?? 7;
  const total: number[] = [];
  const query: number[] = [];
  const svg: number[] = [];
  let panels = 0;
  let rows = 0;
  for (let i = 0; i < (opts.warmup ?? 1) + runs; i++) {
    const t0 = performance.now();
    const setup = await prepareDashboard(opts.db, opts.wh, opts.scope, d, url);
    const results = await runDashboard(opts.wh, opts.scope, d, setup.ctx);
    const t1 = performance.now();
    for (const p of results) if (p.chart) renderSvg(p.chart, { width: p.width === "full" ? 1100 : 540, height: p.height });
    const t2 = performance.now();
    panels = results.length;
    rows = results.reduce((a, p) => a + p.rowCount, 0);
    if (i < (opts.warmup ?? 1)) continue;
    total.push(t2 - t0);
    query.push(t1 - t0);
    svg.push(t2 - t1);
  }
  return { dashboard: d.id, runs, median_ms: round(pct(total, 0.5)), p95_ms: round(pct(total, 0.95)), min_ms: round(Math.min(...total)), query_ms: round(pct(query, 0.5)), svg_ms: round(pct(svg, 0.5)), panels, rows };
}
