import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireAdmin } from "../auth/guards.server.ts";
import { useT, useLang } from "../i18n/use-t.ts";
import { formatDateTime } from "../i18n/format.ts";

export const meta: MetaFunction = () => [{ title: "Tài khoản · Quản trị" }];
const PAGE = 50;

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireAdmin(args);
  const { db } = auth.services;
  const url = new URL(args.request.url);
  const q = (url.searchParams.get("q") ?? "").trim().slice(0, 100);
  const tier = url.searchParams.get("tier") ?? "";
  const status = url.searchParams.get("status") ?? "";
  const page = Math.max(1, Math.min(1000, Number(url.searchParams.get("page")) || 1));
  const base = db("users as u").join("units as un", "un.id", "u.unit_id");
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    base.where((w) => w.whereILike("u.username", like).orWhereILike("un.name", like).orWhereRaw("array_to_string(un.aliases, ' ') ilike ?", [like]).orWhere("un.code", q));
  }
  if (["province", "department", "district", "commune"].includes(tier)) base.where("un.tier", tier);
  if (status === "active" || status === "closed") base.where("u.status", status);
  if (status === "locked") base.where("u.locked_until", ">", db.fn.now());
  const total = Number((await base.clone().count({ n: "*" }))[0].n);
  const rows = await base
    .clone()
    .leftJoin("units as parent", "parent.id", "un.parent_id")
    .select("u.id", "u.username", "u.status", "u.roles", "u.last_login_at", "u.locked_until", "u.must_change_password", "un.name as unit_name", "un.tier", "parent.name as parent_name")
    .select(db.raw("(select full_name from account_officials o where o.user_id = u.id order by o.id desc limit 1) as official"))
    .orderBy([{ column: "un.path", order: "asc" }])
    .limit(PAGE)
    .offset((page - 1) * PAGE);
  return json({ rows, total, page, pages: Math.max(1, Math.ceil(total / PAGE)), q, tier, status });
}

export default function Accounts() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const lang = useLang();
  const link = (p: number) => `?${new URLSearchParams({ q: d.q, tier: d.tier, status: d.status, page: String(p) })}`;
  return (
    <>
      <h1>{t("admin.accounts.title")}</h1>
      <Form method="get" className="panel filters">
        <div style={{ flex: 2 }}>
          <label htmlFor="q">{t("admin.search")}</label>
          <input id="q" name="q" type="search" defaultValue={d.q} />
        </div>
        <div>
          <label htmlFor="tier">{t("admin.tier")}</label>
          <select id="tier" name="tier" defaultValue={d.tier}>
            <option value="">—</option>
            {["province", "department", "district", "commune"].map((x) => (
              <option key={x} value={x}>{t(`tier.${x}`)}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="status">{t("admin.status")}</label>
          <select id="status" name="status" defaultValue={d.status}>
            <option value="">—</option>
            <option value="active">{t("admin.status.active")}</option>
            <option value="closed">{t("admin.status.closed")}</option>
            <option value="locked">{t("admin.status.locked")}</option>
          </select>
        </div>
        <div>
          <button type="submit">{t("common.search")}</button>
        </div>
        <div style={{ marginLeft: "auto" }}>
          <Link className="button secondary" to="/admin/accounts/new">{t("admin.create")}</Link>
        </div>
      </Form>
      <p className="muted">{`${d.total} tài khoản`}</p>
      <table>
        <thead>
          <tr>
            <th>{t("admin.username")}</th>
            <th>{t("admin.unit")}</th>
            <th>{t("admin.tier")}</th>
            <th>{t("admin.official")}</th>
            <th>{t("admin.status")}</th>
            <th>{t("admin.lastLogin")}</th>
          </tr>
        </thead>
        <tbody>
          {d.rows.map((r) => (
            <tr key={r.id}>
              <td><Link to={`/admin/accounts/${r.id}`}><code>{r.username}</code></Link></td>
              <td>{r.unit_name}{r.parent_name && r.tier === "commune" ? <span className="muted"> · {r.parent_name}</span> : null}</td>
              <td>{t(`tier.${r.tier}`)}</td>
              <td>{r.official ?? <span className="muted">{t("common.none")}</span>}</td>
              <td>
                {r.status === "closed" ? <span className="badge badge-bad">{t("admin.status.closed")}</span> : r.locked_until && new Date(r.locked_until) > new Date() ? <span className="badge badge-warn">{t("admin.status.locked")}</span> : <span className="badge badge-ok">{t("admin.status.active")}</span>}
              </td>
              <td>{formatDateTime(r.last_login_at, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="pager">
        {d.page > 1 ? <Link to={link(d.page - 1)}>‹</Link> : null}
        <span>{d.page} / {d.pages}</span>
        {d.page < d.pages ? <Link to={link(d.page + 1)}>›</Link> : null}
      </div>
    </>
  );
}
