import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ZodError } from "zod";
import { requireAdmin } from "../auth/guards.server.ts";
import {
  AccountError, closeAccount, deleteAccount, producedDataCount, recordOfficial, reopenAccount, resetPassword, updateRoles, type Actor, type OfficialInput,
} from "../accounts/accounts.server.ts";
import { ROLES } from "../auth/roles.ts";
import { CsrfField } from "../components/csrf.tsx";
import { langFromRequest, translate } from "../i18n/i18n.ts";
import { useLang, useT } from "../i18n/use-t.ts";
import { formatDate, formatDateTime } from "../i18n/format.ts";
import type { AppLoadContext } from "../platform/services.ts";

export const meta: MetaFunction = () => [{ title: "Tài khoản · Quản trị" }];

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireAdmin(args);
  const { db } = auth.services;
  const id = Number(args.params.id);
  if (!Number.isInteger(id)) throw new Response("Not Found", { status: 404 });
  const user = await db("users as u")
    .join("units as un", "un.id", "u.unit_id")
    .where("u.id", id)
    .first("u.id", "u.username", "u.username_as_issued", "u.status", "u.roles", "u.closed_reason", "u.closed_at", "u.last_login_at", "u.locked_until", "u.must_change_password", "u.password_changed_at", "u.created_at", "un.name as unit_name", "un.tier", "un.code as unit_code", "un.letter_name");
  if (!user) throw new Response("Not Found", { status: 404 });
  const officials = await db("account_officials as o").leftJoin("users as r", "r.id", "o.recorded_by").where("o.user_id", id).orderBy("o.id", "desc")
    .select("o.id", "o.full_name", "o.title", "o.department", "o.phone", "o.email", "o.handover_date", "o.recorded_at", "r.username as recorded_by");
  const produced = await producedDataCount(db, id);
  return json({ user, officials, produced, self: auth.user.id === id });
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireAdmin(args);
  const { db, config } = auth.services;
  const lang = langFromRequest(args.request);
  const id = Number(args.params.id);
  const form = await args.request.formData();
  const intent = String(form.get("intent") ?? "");
  const actor: Actor = { userId: auth.user.id, username: auth.user.username, unitId: auth.user.unitId, ip: (args.context as unknown as AppLoadContext).clientIp };
  const values = Object.fromEntries([...form.entries()].filter(([k]) => k !== "_csrf").map(([k, v]) => [k, typeof v === "string" ? v : ""]));
  try {
    switch (intent) {
      case "roles":
        await updateRoles(db, actor, id, form.getAll("roles").map(String));
        return json({ ok: translate(lang, "admin.saved"), values });
      case "close":
        await closeAccount(db, actor, id, String(form.get("reason") ?? ""));
        return json({ ok: translate(lang, "admin.closed"), values: {} });
      case "reopen":
        await reopenAccount(db, actor, id, String(form.get("reason") ?? ""));
        return json({ ok: translate(lang, "admin.reopened"), values: {} });
      case "reset": {
        const r = await resetPassword(db, config, actor, id);
        return json({ ok: r.shownPassword ? translate(lang, "admin.initialPassword", { password: r.shownPassword }) : translate(lang, "admin.passwordReset"), values: {} });
      }
      case "delete":
        await deleteAccount(db, actor, id);
        return redirect("/admin/accounts");
      case "official":
        await recordOfficial(db, actor, id, values as unknown as OfficialInput);
        return json({ ok: translate(lang, "admin.saved"), values: {} });
      default:
        return json({ error: "Unknown action", values }, { status: 400 });
    }
  } catch (e) {
    if (e instanceof AccountError) return json({ error: translate(lang, e.code, e.params), values }, { status: 400 });
    if (e instanceof ZodError) return json({ error: e.issues.map((i) => translate(lang, i.message)).join(" "), values }, { status: 400 });
    throw e;
  }
}

export default function AccountDetail() {
  const { user, officials, produced, self } = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>() as { ok?: string; error?: string; values?: Record<string, string> } | undefined;
  const t = useT();
  const lang = useLang();
  const v = a?.values ?? {};
  return (
    <>
      <p><Link to="/admin/accounts">‹ {t("admin.accounts.title")}</Link></p>
      <h1><code>{user.username}</code> · {user.unit_name}</h1>
      {a?.ok ? <p className="alert alert-ok" role="status">{a.ok}</p> : null}
      {a?.error ? <p className="alert alert-error" role="alert">{a.error}</p> : null}
      <div className="grid-2">
        <section className="panel">
          <h2>Thông tin</h2>
          <table>
            <tbody>
              <tr><th>{t("admin.unit")}</th><td>{user.unit_name} ({user.unit_code}){user.letter_name ? <span className="muted"> · theo công văn 2022: {user.letter_name}</span> : null}</td></tr>
              <tr><th>{t("admin.tier")}</th><td>{t(`tier.${user.tier}`)}</td></tr>
              {user.username_as_issued && user.username_as_issued !== user.username ? <tr><th>Tên cấp ban đầu</th><td><code>{user.username_as_issued}</code> (đã chuẩn hóa)</td></tr> : null}
              <tr><th>{t("admin.status")}</th><td>{user.status === "closed" ? `${t("admin.status.closed")} — ${user.closed_reason ?? ""} (${formatDateTime(user.closed_at, lang)})` : t("admin.status.active")}{user.locked_until && new Date(user.locked_until) > new Date() ? ` · ${t("admin.status.locked")}` : ""}</td></tr>
              <tr><th>Mật khẩu</th><td>{user.must_change_password ? "Phải đổi ở lần đăng nhập tới" : `Đổi lần cuối ${formatDateTime(user.password_changed_at, lang)}`}</td></tr>
              <tr><th>{t("admin.lastLogin")}</th><td>{formatDateTime(user.last_login_at, lang) || "—"}</td></tr>
              <tr><th>Dữ liệu đã tạo</th><td>{produced}</td></tr>
            </tbody>
          </table>
          <Form method="post">
            <CsrfField />
            <input type="hidden" name="intent" value="roles" />
            <fieldset style={{ marginTop: ".8rem" }}>
              <legend>{t("admin.roles")}</legend>
              {ROLES.map((r) => (
                <label key={r} style={{ fontWeight: 400, display: "inline-flex", gap: ".3rem", marginRight: "1rem" }}>
                  <input type="checkbox" name="roles" value={r} defaultChecked={user.roles.includes(r)} disabled={r === "admin" && user.tier !== "province"} /> {t(`role.${r}`)}
                </label>
              ))}
            </fieldset>
            <div className="actions"><button type="submit">{t("common.save")}</button></div>
          </Form>
        </section>
        <section className="panel">
          <h2>Thao tác</h2>
          <Form method="post">
            <CsrfField />
            <input type="hidden" name="intent" value="reset" />
            <button type="submit" className="secondary">{t("admin.resetPassword")}</button>
          </Form>
          {!self ? (
            <Form method="post" style={{ marginTop: "1rem" }}>
              <CsrfField />
              <input type="hidden" name="intent" value={user.status === "closed" ? "reopen" : "close"} />
              <label htmlFor="reason">{t("admin.reason")}</label>
              <input id="reason" name="reason" type="text" required maxLength={500} defaultValue={v.reason ?? ""} />
              <div className="actions">
                <button type="submit" className={user.status === "closed" ? "secondary" : "danger"}>{user.status === "closed" ? t("admin.reopen") : t("admin.close")}</button>
              </div>
            </Form>
          ) : null}
          {!self ? (
            <Form method="post" style={{ marginTop: "1rem" }}>
              <CsrfField />
              <input type="hidden" name="intent" value="delete" />
              <button type="submit" className="danger" disabled={produced > 0} title={produced > 0 ? t("admin.deleteRefused", { n: produced }) : undefined}>{t("admin.delete")}</button>
              {produced > 0 ? <p className="muted">{t("admin.deleteRefused", { n: produced })}</p> : null}
            </Form>
          ) : null}
        </section>
      </div>
      <section className="panel">
        <h2>{t("admin.official")}</h2>
        <p className="muted">{t("admin.officialDeadline")}</p>
        <Form method="post" className="grid-2">
          <CsrfField />
          <input type="hidden" name="intent" value="official" />
          <div><label htmlFor="full_name">{t("admin.officialName")}</label><input id="full_name" name="full_name" type="text" required defaultValue={v.full_name ?? ""} /></div>
          <div><label htmlFor="title">{t("admin.officialTitle")}</label><input id="title" name="title" type="text" defaultValue={v.title ?? ""} /></div>
          <div><label htmlFor="department">{t("admin.officialDepartment")}</label><input id="department" name="department" type="text" defaultValue={v.department ?? ""} /></div>
          <div><label htmlFor="phone">{t("admin.officialPhone")}</label><input id="phone" name="phone" type="tel" defaultValue={v.phone ?? ""} /></div>
          <div><label htmlFor="email">{t("admin.officialEmail")}</label><input id="email" name="email" type="email" defaultValue={v.email ?? ""} /></div>
          <div><label htmlFor="handover_date">{t("admin.handoverDate")}</label><input id="handover_date" name="handover_date" type="date" defaultValue={v.handover_date ?? ""} /></div>
          <div className="actions"><button type="submit">{t("common.save")}</button></div>
        </Form>
        <h3>{t("admin.officialHistory")}</h3>
        {officials.length === 0 ? <p className="muted">{t("common.none")}</p> : (
          <table>
            <thead><tr><th>{t("admin.officialName")}</th><th>{t("admin.officialTitle")}</th><th>{t("admin.officialDepartment")}</th><th>{t("admin.officialPhone")}</th><th>{t("admin.officialEmail")}</th><th>{t("admin.handoverDate")}</th><th>Ghi nhận</th></tr></thead>
            <tbody>
              {officials.map((o, i) => (
                <tr key={o.id} className={i === 0 ? undefined : "muted"}>
                  <td>{i === 0 ? `${o.full_name} (hiện tại)` : o.full_name}</td><td>{o.title}</td><td>{o.department}</td><td>{o.phone}</td><td>{o.email}</td><td>{formatDate(o.handover_date, lang)}</td><td>{formatDateTime(o.recorded_at, lang)} · {o.recorded_by}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
