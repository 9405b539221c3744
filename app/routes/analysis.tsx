import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "../auth/guards.server.ts";
import { writeAudit } from "../audit/audit.server.ts";
import { CsrfField } from "../components/csrf.tsx";
import { listEthnicities, listIndicators, listPeriods, QueryError } from "../../warehouse/query/index.ts";
import { runPivot } from "../../dashboards/pivot/run.ts";
import { DIM_LABELS, PIVOT_DIMS } from "../../dashboards/pivot/pivot.ts";
import { PAGE_ROWS } from "../../dashboards/pivot/state.ts";
import { fmtNumber } from "../../dashboards/charts/format.ts";
import { warehouseOf } from "../api/warehouse.server.ts";
import { readAnalysisState, normaliseAnalysisSearch } from "../api/analysis-request.server.ts";
import { listVisibleUnits } from "../api/units.server.ts";
import { deleteSavedQuery, listSavedQueries, saveQuery } from "../api/saved-queries.server.ts";
import { PlotChart, type PlotPoint } from "../components/charts/PlotChart.tsx";
import chartStyles from "../components/charts/charts.css";
import type { AppLoadContext } from "../platform/services.ts";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: chartStyles }];
export const meta: MetaFunction = () => [{ title: "Phân tích · CSDL Dân tộc" }];

/**
 * Ad-hoc analysis: indicators × rows × columns × filters → a pivot with
 * subtotals and totals (each level asked of the query layer, so ratios are
 * recomputed correctly) and a chart. The state is the URL; pages of 100 rows
 * keep large results (up to 100 000 cells) responsive; downloads carry all.
 */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireRole(args, "analyst");
  const wh = warehouseOf(auth.services);
  const url = new URL(args.request.url);
  const { state, issues, search } = readAnalysisState(url);
  const [indicators, periods, ethnicities, units, saved] = await Promise.all([
    listIndicators(wh),
    listPeriods(wh),
    listEthnicities(wh),
    listVisibleUnits(auth.services.db, auth.scope, {}),
    listSavedQueries(auth.services.db, { id: auth.user.id, unitId: auth.user.unitId }),
  ]);
  let result = null;
  let error: string | null = null;
  if (state) {
    try {
      const t0 = performance.now();
      const p = await runPivot(wh, auth.scope, state);
      const pages = Math.max(1, Math.ceil(p.rows.length / PAGE_ROWS));
      const page = Math.min(state.page, pages);
      const shown = p.rows.slice((page - 1) * PAGE_ROWS, page * PAGE_ROWS);
      // chart: the page's detail cells (or the total row when there are no row dimensions)
      const points: PlotPoint[] = [];
      for (const r of shown.filter((x) => x.kind === "cell" || state.rows.length === 0)) {
        r.values.forEach((v, i) => {
          const c = p.columns[i];
          if (v === null || (c.isTotal && p.columns.some((x) => !x.isTotal && x.indicator === c.indicator))) return;
          points.push({ row: r.labels.filter(Boolean).join(" / ") || "Tổng", col: [c.indicatorName, ...c.labels].join(" — "), value: v });
        });
      }
      const series = new Set(points.map((x) => x.col)).size;
      const kind = state.rows[0] === "period" || state.rows[0] === "year" ? "line" : series <= 1 ? "bar" : "cell";
      result = {
        columns: p.columns.map((c) => ({ indicatorName: c.indicatorName, unit: c.unit, labels: c.labels, isTotal: c.isTotal })),
        rows: shown,
        totalRows: p.rows.length,
        cellCount: p.cellCount,
        page,
        pages,
        truncated: p.truncated,
        unknown: p.unknownIndicators,
        points: points.slice(0, 3000),
        chartKind: kind as "line" | "bar" | "cell",
        unit: [...new Set(p.columns.map((c) => c.unit))].join(", "),
        ms: Math.round(performance.now() - t0),
      };
    } catch (e) {
      if (!(e instanceof QueryError)) throw e;
      error = e.message;
    }
  }
  return json({
    search: search.toString(),
    state: state ? { rows: state.rows, cols: state.cols, ...state.params } : null,
    issues,
    error,
    result,
    indicators: indicators.map((i) => ({ code: String(i.code), name: String(i.name_vi), domain: String(i.domain) })),
    periods: periods.map((p) => ({ code: String(p.code), label: String(p.label_vi) })),
    ethnicities: ethnicities.filter((e) => e.code !== "00").map((e) => ({ code: String(e.code), name: String(e.name_vi) })),
    units: units.filter((u) => u.tier !== "department").map((u) => ({ id: u.id, name: u.name, tier: u.tier })),
    saved,
  });
}

const saveSchema = z.object({ intent: z.literal("save"), name: z.string().trim().min(2, "Tên ít nhất 2 ký tự").max(120), search: z.string().max(4000), shared: z.string().optional() });
const deleteSchema = z.object({ intent: z.literal("delete"), id: z.coerce.number().int().positive() });

export async function action(args: ActionFunctionArgs) {
  const auth = await requireRole(args, "analyst");
  const db = auth.services.db;
  const form = Object.fromEntries(await args.request.formData());
  const ip = (args.context as unknown as AppLoadContext).clientIp;
  if (form.intent === "delete") {
    const r = deleteSchema.safeParse(form);
    if (r.success) await deleteSavedQuery(db, auth.user.id, r.data.id);
    return redirect(`/analysis?${typeof form.search === "string" ? form.search : ""}`);
  }
  const r = saveSchema.safeParse(form);
  if (!r.success) return json({ error: r.error.issues.map((i) => i.message).join("; ") }, { status: 400 });
  const search = normaliseAnalysisSearch(new URLSearchParams(r.data.search));
  search.delete("page");
  const id = await saveQuery(db, { id: auth.user.id, unitId: auth.user.unitId }, { name: r.data.name, search: search.toString(), shared: r.data.shared === "on" });
  await writeAudit(db, { actorUserId: auth.user.id, actorUsername: auth.user.username, unitId: auth.user.unitId, action: "analysis.saved", targetType: "saved_query", targetId: id, ip, details: { shared: r.data.shared === "on" } });
  return redirect(`/analysis?${search}&saved=${id}`);
}

function Multi({ name, label, options, selected, size = 6 }: { name: string; label: string; options: { value: string; label: string }[]; selected: readonly (string | number)[] | undefined; size?: number }) {
  const sel = new Set((selected ?? []).map(String));
  return (
    <div>
      <label htmlFor={`a-${name}`}>{label}</label>
      <select id={`a-${name}`} name={name} multiple size={size} defaultValue={[...sel]}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>{o.label}</option>
        ))}
      </select>
    </div>
  );
}

function DimSelect({ name, index, value }: { name: string; index: number; value: string | undefined }) {
  return (
    <select name={name} defaultValue={value ?? ""} aria-label={`${name === "rows" ? "Hàng" : "Cột"} ${index + 1}`}>
      <option value="">—</option>
      {PIVOT_DIMS.map((d) => (
        <option key={d} value={d}>{DIM_LABELS[d]}</option>
      ))}
    </select>
  );
}

export default function Analysis() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const s = d.state;
  const r = d.result;
  const pageHref = (p: number) => {
    const sp = new URLSearchParams(d.search);
    sp.set("page", String(p));
    return `?${sp}`;
  };
  const exportHref = (f: string) => `/analysis/export?${d.search}&format=${f}`;
  return (
    <>
      <h1>Phân tích chỉ tiêu</h1>
      <Form method="get" className="panel filters" style={{ alignItems: "flex-start" }}>
        <Multi name="indicators" label="Chỉ tiêu" options={d.indicators.map((i) => ({ value: i.code, label: `${i.name} (${i.code})` }))} selected={s?.indicators} size={8} />
        <div>
          <label>Hàng</label>
          {[0, 1, 2].map((i) => (
            <div key={i}><DimSelect name="rows" index={i} value={s?.rows[i]} /></div>
          ))}
          <label>Cột (sau chỉ tiêu)</label>
          {[0, 1].map((i) => (
            <div key={i}><DimSelect name="cols" index={i} value={s?.cols[i]} /></div>
          ))}
        </div>
        <div>
          <label htmlFor="a-unitLevel">Cấp đơn vị</label>
          <select id="a-unitLevel" name="unitLevel" defaultValue={s?.unitLevel ?? "district"}>
            <option value="province">Tỉnh</option>
            <option value="district">Huyện</option>
            <option value="commune">Xã</option>
            <option value="department">Sở, ngành</option>
            <option value="unit">Từng đơn vị báo cáo</option>
          </select>
          <label htmlFor="a-sex">Giới tính</label>
          <select id="a-sex" name="sex" defaultValue={s?.sex?.join(",") ?? ""}>
            <option value="">Chung</option>
            <option value="M">Nam</option>
            <option value="F">Nữ</option>
            <option value="M,F">Nam và nữ</option>
          </select>
        </div>
        <Multi name="periods" label="Kỳ" options={d.periods.map((p) => ({ value: p.code, label: p.label }))} selected={s?.periods} />
        <Multi name="ethnicities" label="Dân tộc" options={d.ethnicities.map((e) => ({ value: e.code, label: e.name }))} selected={s?.ethnicities} />
        <Multi name="units" label="Đơn vị (và cấp dưới)" options={d.units.map((u) => ({ value: String(u.id), label: u.name }))} selected={s?.units} />
        <div>
          <button type="submit">Phân tích</button>
        </div>
      </Form>
      {d.issues.length ? (
        <div className="alert alert-error" role="alert">
          <p>Tham số chưa hợp lệ:</p>
          <ul>{d.issues.map((i, k) => <li key={k}><code>{i.param}</code>: {i.message}</li>)}</ul>
        </div>
      ) : null}
      {d.error ? <p className="alert alert-error">{d.error}</p> : null}
      {a && "error" in a && a.error ? <p className="alert alert-error">{a.error}</p> : null}
      {!s && !d.issues.length ? <p className="muted">Chọn chỉ tiêu, chiều hàng/cột và bộ lọc rồi bấm “Phân tích”. Đường dẫn của trang ghi lại toàn bộ truy vấn để chia sẻ.</p> : null}
      {r ? (
        <section className="panel" aria-label="Kết quả">
          <div className="dash-meta">
            <span>{fmtNumber(r.totalRows, "vi", 0)} dòng × {fmtNumber(r.columns.length, "vi", 0)} cột ({fmtNumber(r.cellCount, "vi", 0)} ô) · {r.ms} ms</span>
            {r.truncated ? <span className="alert alert-warn">Kết quả vượt 100.000 dòng, đã cắt bớt — thu hẹp bộ lọc.</span> : null}
            {r.unknown.length ? <span className="alert alert-warn">Không có chỉ tiêu: {r.unknown.join(", ")}</span> : null}
            <span className="downloads">
              Tải xuống: {["csv", "xlsx", "parquet", "arrow"].map((f) => <a key={f} href={exportHref(f)} download>{f.toUpperCase()}</a>)}
            </span>
          </div>
          {r.points.length ? <PlotChart points={r.points} kind={r.chartKind} unit={r.unit} label="Biểu đồ kết quả phân tích" /> : null}
          <div className="table-scroll" style={{ maxHeight: 640 }}>
            <table className="data-table" data-testid="pivot">
              <thead>
                <tr>
                  {s!.rows.map((dim) => <th key={dim} scope="col">{DIM_LABELS[dim as keyof typeof DIM_LABELS]}</th>)}
                  {r.columns.map((c, i) => (
                    <th key={i} scope="col" className="num">
                      {c.indicatorName}
                      {c.labels.length ? <><br />{c.labels.join(" — ")}</> : null}
                      <br /><small>({c.unit})</small>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {r.rows.map((row, i) => (
                  <tr key={i} className={row.kind === "cell" ? undefined : row.kind}>
                    {row.labels.map((l, j) => <th key={j} scope="row">{l}</th>)}
                    {row.values.map((v, j) => <td key={j} className="num">{fmtNumber(v, "vi", 2)}</td>)}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {r.pages > 1 ? (
            <p className="pager">
              {r.page > 1 ? <Link to={pageHref(r.page - 1)}>← Trang trước</Link> : null} Trang {r.page}/{r.pages}{" "}
              {r.page < r.pages ? <Link to={pageHref(r.page + 1)}>Trang sau →</Link> : null}
            </p>
          ) : null}
          <Form method="post" className="filters">
            <CsrfField />
            <input type="hidden" name="intent" value="save" />
            <input type="hidden" name="search" value={d.search} />
            <div>
              <label htmlFor="q-name">Lưu truy vấn với tên</label>
              <input id="q-name" name="name" required minLength={2} maxLength={120} />
            </div>
            <div>
              <label><input type="checkbox" name="shared" /> Chia sẻ với tài khoản cùng đơn vị</label>
            </div>
            <div><button type="submit">Lưu</button></div>
          </Form>
        </section>
      ) : null}
      {d.saved.length ? (
        <section className="panel">
          <h2>Truy vấn đã lưu</h2>
          <ul>
            {d.saved.map((q) => (
              <li key={q.id}>
                <Link to={`/analysis?${q.search}`}>{q.name}</Link> {q.shared ? <span className="badge">Chia sẻ</span> : null} <span className="muted">{q.mine ? "của tôi" : `của ${q.owner}`}</span>
                {q.mine ? (
                  <Form method="post" style={{ display: "inline" }}>
                    <CsrfField />
                    <input type="hidden" name="intent" value="delete" />
                    <input type="hidden" name="id" value={q.id} />
                    <input type="hidden" name="search" value={d.search} />
                    <button type="submit" className="link-button">Xóa</button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
