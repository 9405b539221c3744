import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireUser } from "../auth/guards.server.ts";
import { changePassword, passwordChangeRequired } from "../auth/login.server.ts";
import { CsrfField } from "../components/csrf.tsx";
import { langFromRequest, translate } from "../i18n/i18n.ts";
import { useT } from "../i18n/use-t.ts";
import type { AppLoadContext } from "../platform/services.ts";

export const meta: MetaFunction = () => [{ title: "Đổi mật khẩu · CSDL Dân tộc" }];

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireUser(args, { allowPasswordChange: true });
  const row = await auth.services.db("users").where({ id: auth.user.id }).first("must_change_password", "password_changed_at");
  const forced = passwordChangeRequired(row, auth.services.config);
  return json({
    forced,
    firstTime: row.must_change_password,
    maxAgeDays: auth.services.config.PASSWORD_MAX_AGE_DAYS,
    username: auth.user.username,
    redirectTo: new URL(args.request.url).searchParams.get("redirectTo") ?? "/",
  });
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireUser(args, { allowPasswordChange: true });
  const lang = langFromRequest(args.request);
  const form = await args.request.formData();
  const result = await changePassword(auth.services.db, auth.services.config, {
    userId: auth.user.id,
    currentPassword: String(form.get("currentPassword") ?? ""),
    newPassword: String(form.get("newPassword") ?? ""),
    confirmPassword: String(form.get("confirmPassword") ?? ""),
    keepSessionId: auth.session.id,
    ip: (args.context as unknown as AppLoadContext).clientIp,
  });
  if (!result.ok) {
    return json({ errors: result.problems.map((p) => translate(lang, `password.problem.${p}`)) }, { status: 400 });
  }
  const to = String(form.get("redirectTo") ?? "/");
  return redirect(to.startsWith("/") && !to.startsWith("//") ? to : "/");
}

export default function ChangePassword() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const t = useT();
  return (
    <section className="panel narrow">
      <h1>{t("password.title")}</h1>
      {d.forced ? <p className="alert alert-warn">{d.firstTime ? t("password.forced") : t("password.aged", { n: d.maxAgeDays })}</p> : null}
      <p className="muted">{t("password.rules")}</p>
      {a?.errors ? (
        <div className="alert alert-error" role="alert">
          <ul>
            {a.errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <Form method="post" autoComplete="off">
        <CsrfField />
        <input type="hidden" name="redirectTo" value={d.redirectTo} />
        <input type="text" name="username" value={d.username} autoComplete="username" readOnly hidden />
        <label htmlFor="currentPassword">{t("password.current")}</label>
        <input id="currentPassword" name="currentPassword" type="password" required autoComplete="current-password" />
        <label htmlFor="newPassword">{t("password.new")}</label>
        <input id="newPassword" name="newPassword" type="password" required minLength={8} autoComplete="new-password" />
        <label htmlFor="confirmPassword">{t("password.confirm")}</label>
        <input id="confirmPassword" name="confirmPassword" type="password" required minLength={8} autoComplete="new-password" />
        <div className="actions">
          <button type="submit">{t("password.submit")}</button>
        </div>
      </Form>
    </section>
  );
}
