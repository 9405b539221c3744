import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { requireRole } from "../auth/guards.server.ts";
import { langFromRequest } from "../i18n/i18n.ts";
import { formatDateTime } from "../i18n/format.ts";
import { getDashboard } from "../../dashboards/registry.ts";
import { runDashboard } from "../../dashboards/run.ts";
import { renderSvg } from "../../dashboards/charts/render-svg.server.ts";
import { DOMAIN_LABELS, sectorDomain } from "../../dashboards/defs/sector.ts";
import { filterStateToSearch } from "../../dashboards/state.ts";
import { warehouseOf } from "../api/warehouse.server.ts";
import { prepareDashboard } from "../api/dashboard-page.server.ts";
import { EChart } from "../components/charts/EChart.tsx";
import { DataTableView } from "../components/charts/DataTableView.tsx";
import { KpiCards } from "../components/charts/KpiCards.tsx";
import chartStyles from "../components/charts/charts.css";
import { useT } from "../i18n/use-t.ts";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: chartStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? "Bảng điều khiển"} · CSDL Dân tộc` }];

/**
 * A dashboard page. Filters live in the URL (a link reproduces the view);
 * the scope comes from the session and is applied by the warehouse query
 * layer; a unit outside the scope is refused (403). Charts are rendered to
 * SVG here for the first paint and hydrated by ECharts in the browser.
 */
export async function loader(args: LoaderFunctionArgs) {
  const t0 = performance.now();
  const auth = await requireRole(args, ["viewer", "analyst", "admin"]);
  const d = getDashboard(args.params.id ?? "");
  if (!d) throw new Response("Không có bảng điều khiển này / no such dashboard", { status: 404 });
  const wh = warehouseOf(auth.services);
  const url = new URL(args.request.url);
  const setup = await prepareDashboard(auth.services.db, wh, auth.scope, d, url);
  const lang = langFromRequest(args.request);
  const panels = await runDashboard(wh, auth.scope, d, setup.ctx, lang);
  const out = panels.map((p) => ({
    id: p.id,
    title: p.title,
    width: p.width,
    height: p.height,
    error: p.error,
    option: p.chart?.option ?? null,
    meta: p.chart?.meta ?? { kind: "table", digits: 0 },
    table: p.chart?.table ?? null,
    svg: p.chart ? renderSvg(p.chart, { width: p.width === "full" ? 1100 : 540, height: p.height, lang }) : null,
  }));
  const f = setup.ctx.filters;
  return json(
    {
      id: d.id,
      title: d.title,
      description: d.description ?? "",
      filters: d.filters,
      // the sector dashboard always shows one domain: display the one in effect
      state: { period: f.period, unit: url.searchParams.get("unit") ? setup.unit.id : null, eth: f.eth, domain: d.id === "sector" ? (sectorDomain(setup.ctx) as typeof f.domain) : f.domain },
      unit: { id: setup.unit.id, name: setup.unit.name, tier: setup.unit.tier },
      unitOptions: setup.unitOptions.map((u) => ({ id: u.id, name: u.name, tier: u.tier })),
      periods: setup.periods.map((p) => ({ code: p.code, label: p.label, isDemo: p.isDemo })),
      period: setup.ctx.period,
      ethnicities: setup.ethnicities,
      domains: Object.entries(DOMAIN_LABELS),
      dropped: setup.dropped,
      dataAsOf: setup.dataAsOf,
      panels: out,
      lang,
      serverMs: Math.round(performance.now() - t0),
    },
    { headers: { "Server-Timing": `dashboard;dur=${Math.round(performance.now() - t0)}` } },
  );
}

export default function DashboardPage() {
  const d = useLoaderData<typeof loader>();
  const submit = useSubmit();
  const nav = useNavigation();
  const t = useT();
  const search = filterStateToSearch(d.state);
  const exportHref = (format: string, panel?: string) => {
    const p = new URLSearchParams(search.slice(1));
    p.set("format", format);
    if (panel) p.set("panel", panel);
    return `/dashboards/${d.id}/export?${p}`;
  };
  const isDemo = d.period?.isDemo ?? false;
  return (
    <>
      <h1>
        {d.title} {isDemo ? <span className="badge badge-demo">{t("common.demo")}</span> : null}
      </h1>
      <p className="muted">{d.description}</p>
      {d.dropped.length ? <p className="alert alert-warn">{t("dash.dropped", { p: d.dropped.join(", ") })}</p> : null}
      <Form method="get" className="panel filters" onChange={(e) => submit(e.currentTarget, { preventScrollReset: true })} aria-label={t("dash.filters")}>
        {d.filters.includes("period") ? (
          <div>
            <label htmlFor="f-period">{t("dash.period")}</label>
            <select id="f-period" name="period" value={d.state.period ?? ""} onChange={() => undefined}>
              {d.periods.map((p) => (
                <option key={p.code} value={p.code}>
                  {p.label}
                  {p.isDemo ? ` ${t("dash.demoPeriod")}` : ""}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {d.filters.includes("unit") && d.unitOptions.length > 1 ? (
          <div>
            <label htmlFor="f-unit">{t("dash.unit")}</label>
            <select id="f-unit" name="unit" value={d.state.unit ?? ""} onChange={() => undefined}>
              <option value="">{t("dash.unitDefault", { unit: d.unit.name })}</option>
              {d.unitOptions.map((u) => (
                <option key={u.id} value={u.id}>{u.name}</option>
              ))}
            </select>
          </div>
        ) : null}
        {d.filters.includes("ethnicity") ? (
          <div>
            <label htmlFor="f-eth">{t("dash.ethnicity")}</label>
            <select id="f-eth" name="eth" value={d.state.eth ?? ""} onChange={() => undefined}>
              <option value="">{t("dash.all")}</option>
              {d.ethnicities.map((e) => (
                <option key={e.code} value={e.code}>{e.name}</option>
              ))}
            </select>
          </div>
        ) : null}
        {d.filters.includes("domain") ? (
          <div>
            <label htmlFor="f-domain">{t("dash.domain")}</label>
            <select id="f-domain" name="domain" value={d.state.domain ?? ""} onChange={() => undefined}>
              <option value="">{t("dash.all")}</option>
              {d.domains.map(([k, v]) => (
                <option key={k} value={k}>{v}</option>
              ))}
            </select>
          </div>
        ) : null}
        <noscript>
          <button type="submit">{t("dash.show")}</button>
        </noscript>
      </Form>
      <div className="dash-meta">
        <span>
          <strong>{t("dash.unit")}:</strong> {d.unit.name}
        </span>
        {d.period ? (
          <span>
            <strong>{t("dash.period")}:</strong> {d.period.label}
          </span>
        ) : null}
        <span className="muted">{t("dash.asOf", { t: d.dataAsOf ? formatDateTime(d.dataAsOf, d.lang) : t("dash.notLoaded") })}</span>
        <span>
          {t("dash.report")} <a href={exportHref("xlsx")} download>Excel</a> · <a href={exportHref("pdf")} download>PDF</a>
        </span>
        {nav.state === "loading" ? <span aria-live="polite">{t("dash.loading")}</span> : null}
      </div>
      <div className="dash-grid" data-testid="dash-grid">
        {d.panels.map((p) => (
          <section key={p.id} className={`dash-panel ${p.width === "full" ? "full" : ""}`} data-panel={p.id} aria-labelledby={`h-${p.id}`}>
            <h2 id={`h-${p.id}`}>
              {p.title} {isDemo ? <span className="badge badge-demo">{t("common.demo")}</span> : null}
            </h2>
            {p.error ? <p className="alert alert-error">{t("dash.panelError", { e: p.error })}</p> : null}
            {p.meta.kind === "kpi" && p.table ? <KpiCards table={p.table} lang={d.lang} /> : null}
            {!p.error && !p.option && p.meta.kind !== "table" && !(p.meta.kind === "kpi" && p.table?.rows.length) ? <p className="empty-panel">{t("dash.empty")}</p> : null}
            {p.option ? <EChart option={p.option} meta={p.meta} svg={p.svg} height={p.height} lang={d.lang} label={p.title} /> : null}
            {p.table && p.table.rows.length ? (
              <details open={!p.option && p.meta.kind !== "kpi"}>
                <summary>{t("dash.table")}</summary>
                <DataTableView table={p.table} lang={d.lang} caption={p.title} />
              </details>
            ) : null}
            {p.table && p.table.rows.length ? (
              <div className="downloads">
                {t("dash.download")}
                {(["csv", "xlsx", "parquet", "arrow"] as const).map((f) => (
                  <a key={f} href={exportHref(f, p.id)} download>
                    {f.toUpperCase()}
                  </a>
                ))}
              </div>
            ) : null}
          </section>
        ))}
      </div>
      <p className="muted">
        <Link to="/dashboards">{t("dash.others")}</Link> · {t("dash.serverTime", { ms: d.serverMs })}
      </p>
    </>
  );
}
