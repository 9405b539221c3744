import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ZodError } from "zod";
import { requireAdmin } from "../auth/guards.server.ts";
import { AccountError, createAccount } from "../accounts/accounts.server.ts";
import { ROLES, rolesForTier } from "../auth/roles.ts";
import { CsrfField } from "../components/csrf.tsx";
import { langFromRequest, translate } from "../i18n/i18n.ts";
import { useT } from "../i18n/use-t.ts";
import type { AppLoadContext } from "../platform/services.ts";

export const meta: MetaFunction = () => [{ title: "Tạo tài khoản · Quản trị" }];

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireAdmin(args);
  const units = await auth.services.db("units").whereNull("valid_to").orderBy("path").select("id", "name", "tier", "code");
  return json({ units, defaults: Object.fromEntries((["province", "department", "district", "commune"] as const).map((t) => [t, rolesForTier(t)])) });
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireAdmin(args);
  const lang = langFromRequest(args.request);
  const form = await args.request.formData();
  const values = { username: String(form.get("username") ?? ""), unitId: String(form.get("unitId") ?? ""), roles: form.getAll("roles").map(String) };
  try {
    const r = await createAccount(auth.services.db, auth.services.config, { userId: auth.user.id, username: auth.user.username, unitId: auth.user.unitId, ip: (args.context as unknown as AppLoadContext).clientIp }, { username: values.username, unitId: Number(values.unitId), roles: values.roles });
    if (r.shownPassword) return json({ created: r.userId, password: r.shownPassword, values, error: null });
    return redirect(`/admin/accounts/${r.userId}`);
  } catch (e) {
    if (e instanceof AccountError) return json({ error: translate(lang, e.code), values, created: null, password: null }, { status: 400 });
    if (e instanceof ZodError) return json({ error: e.issues.map((i) => translate(lang, i.message)).join(" "), values, created: null, password: null }, { status: 400 });
    throw e;
  }
}

export default function NewAccount() {
  const { units } = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const t = useT();
  if (a?.created && a.password) {
    return (
      <section className="panel narrow">
        <h1>{t("admin.create")}</h1>
        <p className="alert alert-warn">{t("admin.initialPassword", { password: a.password })}</p>
        <Link to={`/admin/accounts/${a.created}`}>Mở tài khoản</Link>
      </section>
    );
  }
  return (
    <section className="panel narrow">
      <h1>{t("admin.create")}</h1>
      {a?.error ? <p className="alert alert-error" role="alert">{a.error}</p> : null}
      <Form method="post">
        <CsrfField />
        <label htmlFor="username">{t("admin.username")}</label>
        <input id="username" name="username" type="text" required defaultValue={a?.values.username ?? ""} placeholder="huyenhoaan.xanamtuan" />
        <label htmlFor="unitId">{t("admin.unit")}</label>
        <select id="unitId" name="unitId" required defaultValue={a?.values.unitId ?? ""}>
          <option value="">—</option>
          {units.map((u) => (
            <option key={u.id} value={u.id}>{u.tier === "commune" ? "  · " : ""}{u.name} ({u.code})</option>
          ))}
        </select>
        <fieldset style={{ marginTop: ".8rem" }}>
          <legend>{t("admin.roles")}</legend>
          {ROLES.map((r) => (
            <label key={r} style={{ fontWeight: 400, display: "inline-flex", gap: ".3rem", marginRight: "1rem" }}>
              <input type="checkbox" name="roles" value={r} defaultChecked={a?.values.roles.includes(r) ?? r === "submitter"} /> {t(`role.${r}`)}
            </label>
          ))}
        </fieldset>
        <div className="actions"><button type="submit">{t("admin.create")}</button><Link to="/admin/accounts">{t("common.cancel")}</Link></div>
      </Form>
    </section>
  );
}
