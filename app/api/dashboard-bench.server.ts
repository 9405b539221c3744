import type { Db } from "../db/knex.server.ts";
import type { Scope } from "../scope/scope.ts";
import type { WarehouseReader } from "../../warehouse/query/types.ts";
import { getDashboard } from "../../dashboards/registry.ts";
import { runDashboard } from "../../dashboards/run.ts";
import { renderSvg } from "../../dashboards/charts/render-svg.server.ts";
import { prepareDashboard } from "./dashboard-page.server.ts";

/**
 * Server time of a dashboard page, as its loader spends it (minus the
 * session check): filter/unit resolution, every panel's query through the
 * query layer, chart building and SVG rendering. For `npm run bench`:
 *
 *   const t = await measureDashboardPage({ db, wh, scope: provinceScope });
 *   // → { dashboard, runs, median_ms, p95_ms, min_ms, query_ms, svg_ms, panels }
 */
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
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const round = (x: number) => Math.round(x * 100) / 100;

export async function measureDashboardPage(opts: { db: Db; wh: WarehouseReader; scope: Scope; dashboardId?: string; search?: string; runs?: number; warmup?: number }): Promise<DashboardPageTiming> {
  const d = getDashboard(opts.dashboardId ?? "province");
  if (!d) throw new Error(`no dashboard ${opts.dashboardId}`);
  const url = new URL(`http://bench/dashboards/${d.id}${opts.search ?? ""}`);
  const runs = opts.runs ?? 7;
  const total: number[] = [];
  const query: number[] = [];
  const svg: number[] = [];
  let panels = 0;
  for (let i = 0; i < (opts.warmup ?? 1) + runs; i++) {
    const t0 = performance.now();
    const setup = await prepareDashboard(opts.db, opts.wh, opts.scope, d, url);
    const results = await runDashboard(opts.wh, opts.scope, d, setup.ctx);
    const t1 = performance.now();
    for (const p of results) if (p.chart) renderSvg(p.chart, { width: p.width === "full" ? 1100 : 540, height: p.height });
    const t2 = performance.now();
    panels = results.length;
    if (i < (opts.warmup ?? 1)) continue;
    total.push(t2 - t0);
    query.push(t1 - t0);
    svg.push(t2 - t1);
  }
  return { dashboard: d.id, runs, median_ms: round(pct(total, 0.5)), p95_ms: round(pct(total, 0.95)), min_ms: round(Math.min(...total)), query_ms: round(pct(query, 0.5)), svg_ms: round(pct(svg, 0.5)), panels };
}
