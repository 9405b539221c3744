import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireUser } from "../auth/guards.server.ts";
import { CsrfField } from "../components/csrf.tsx";
import { verifySecondFactor } from "../security/mfa.server.ts";
import { consumeSignIn } from "../security/rate-limit.server.ts";
import { useLang } from "../i18n/use-t.ts";
import type { AppLoadContext } from "../platform/services.ts";

/** (login_ : not nested under login.tsx, whose loader redirects signed-in users.)
 * Second step of sign-in for accounts with TOTP: a 6-digit code or a one-time recovery code. */
export const meta: MetaFunction = () => [{ title: "Xác thực hai lớp · CSDL Dân tộc" }];

function safeRedirect(to: unknown): string {
  return typeof to === "string" && to.startsWith("/") && !to.startsWith("//") && !to.startsWith("/\\") ? to : "/";
}

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireUser(args, { allowMfaPending: true, allowPasswordChange: true });
  const redirectTo = safeRedirect(new URL(args.request.url).searchParams.get("redirectTo"));
  if (!auth.user.totpEnabled || auth.session.mfaVerified) throw redirect(redirectTo);
  return json({ redirectTo, username: auth.user.username });
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireUser(args, { allowMfaPending: true, allowPasswordChange: true });
  const form = await args.request.formData();
  const redirectTo = safeRedirect(form.get("redirectTo"));
  if (!auth.user.totpEnabled || auth.session.mfaVerified) throw redirect(redirectTo);
  const code = String(form.get("code") ?? "").slice(0, 64);
  if (!code.trim()) return json({ error: "Nhập mã 6 chữ số từ ứng dụng xác thực, hoặc một mã khôi phục." }, { status: 400 });
  const wait = consumeSignIn(`mfa:${auth.user.username}`);
  if (wait) return json({ error: `Quá nhiều lần thử. Vui lòng thử lại sau ${wait} giây.` }, { status: 429 });
  const ctx = args.context as unknown as AppLoadContext;
  const r = await verifySecondFactor(
    auth.services.db,
    auth.services.config,
    { userId: auth.user.id, username: auth.user.username, unitId: auth.user.unitId, ip: ctx.clientIp },
    code,
    auth.session.id,
  );
  if (!r.ok) return json({ error: "Mã không đúng hoặc đã được dùng. / Invalid or already used code." }, { status: 401 });
  if (r.method === "recovery") {
    const q = new URLSearchParams({ used: "recovery", left: String(r.recoveryCodesLeft) });
    return redirect(`/account/mfa?${q}`);
  }
  return redirect(redirectTo);
}

export default function LoginMfa() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const en = useLang() === "en";
  return (
    <section className="panel narrow">
      <h1>{en ? "Two-step verification" : "Xác thực hai lớp"}</h1>
      <p className="muted">
        {en
          ? `Enter the 6-digit code shown in your authenticator app for ${d.username}.`
          : `Nhập mã 6 chữ số đang hiện trong ứng dụng xác thực của tài khoản ${d.username}.`}
      </p>
      {a?.error ? (
        <p className="alert alert-error" role="alert">
          {a.error}
        </p>
      ) : null}
      <Form method="post" autoComplete="off">
        <CsrfField />
        <input type="hidden" name="redirectTo" value={d.redirectTo} />
        <label htmlFor="code">{en ? "Code" : "Mã xác thực"}</label>
        <input id="code" name="code" type="text" inputMode="numeric" autoComplete="one-time-code" required autoFocus maxLength={24} />
        <div className="actions">
          <button type="submit">{en ? "Verify" : "Xác nhận"}</button>
        </div>
      </Form>
      <p className="muted" style={{ fontSize: ".85rem" }}>
        {en
          ? "Lost your phone? Enter one of your recovery codes (xxxx-xxxx-xxxx-xxxx) instead."
          : "Mất điện thoại? Nhập một mã khôi phục (dạng xxxx-xxxx-xxxx-xxxx) thay cho mã 6 số."}
      </p>
    </section>
  );
}
