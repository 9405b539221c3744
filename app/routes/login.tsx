import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getAuth, isSecureRequest, servicesOf } from "../auth/guards.server.ts";
import { signIn } from "../auth/login.server.ts";
import { sessionCookie } from "../auth/session.server.ts";
import { langFromRequest, translate } from "../i18n/i18n.ts";
import { useT } from "../i18n/use-t.ts";
import type { AppLoadContext } from "../platform/services.ts";
import { consumeSignIn } from "../security/rate-limit.server.ts"; // [safety/rate-limit]

export const meta: MetaFunction = () => [{ title: "Đăng nhập · CSDL Dân tộc" }];

/** Only same-site relative paths are followed after sign-in. */
function safeRedirect(to: FormDataEntryValue | string | null, fallback = "/"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}

export async function loader(args: LoaderFunctionArgs) {
  const auth = await getAuth(args);
  const url = new URL(args.request.url);
  if (auth && !("failure" in auth)) throw redirect(safeRedirect(url.searchParams.get("redirectTo")));
  const { config } = servicesOf(args.context);
  return json({ reason: url.searchParams.get("reason"), redirectTo: url.searchParams.get("redirectTo") ?? "", idleMinutes: config.SESSION_IDLE_MINUTES });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const services = servicesOf(context);
  const lang = langFromRequest(request);
  const form = await request.formData();
  // [safety/fuzz] control characters (NUL breaks Postgres text) never belong in a username
  const username = String(form.get("username") ?? "").replace(/[\u0000-\u001f\u007f]/g, "").slice(0, 200);
  const password = String(form.get("password") ?? "").slice(0, 512);
  const redirectTo = safeRedirect(form.get("redirectTo"));
  if (!username.trim() || !password) return json({ error: translate(lang, "login.missing"), username }, { status: 400 });
  // [safety/rate-limit] per-username bucket on top of the per-IP middleware and the account lockout
  const wait = consumeSignIn(username);
  if (wait) return json({ error: `Quá nhiều lần thử đăng nhập cho tài khoản này. Vui lòng thử lại sau ${wait} giây.`, username }, { status: 429, headers: { "Retry-After": String(wait) } });
  const ip = (context as unknown as AppLoadContext).clientIp;
  const result = await signIn(services.db, services.config, { username, password, ip, userAgent: request.headers.get("user-agent") ?? undefined });
  if (!result.ok) {
    const c = services.config;
    return json({ error: translate(lang, "login.failed", { n: c.LOCKOUT_THRESHOLD, m: c.LOCKOUT_MINUTES }), username }, { status: 401 });
  }
  const target = result.mustChangePassword ? `/account/password?redirectTo=${encodeURIComponent(redirectTo)}` : redirectTo;
  return redirect(target, { headers: { "Set-Cookie": sessionCookie(result.token, isSecureRequest(request)) } });
}

export default function Login() {
  const { reason, redirectTo, idleMinutes } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const busy = useNavigation().state === "submitting";
  const notice =
    reason === "idle" ? t("login.idle", { n: idleMinutes }) : reason === "expired" ? t("login.expired") : reason === "signed-out" ? t("login.signedOut") : reason === "password-changed" ? t("login.passwordChanged") : null;
  return (
    <section className="panel narrow">
      <h1>{t("login.title")}</h1>
      <p className="muted">{t("app.tagline")}</p>
      {notice ? <p className="alert alert-info">{notice}</p> : null}
      {data?.error ? (
        <p className="alert alert-error" role="alert">
          {data.error}
        </p>
      ) : null}
      <Form method="post">
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <label htmlFor="username">{t("login.username")}</label>
        <input id="username" name="username" type="text" required autoFocus autoComplete="username" autoCapitalize="none" spellCheck={false} defaultValue={data?.username ?? ""} />
        <label htmlFor="password">{t("login.password")}</label>
        <input id="password" name="password" type="password" required autoComplete="current-password" />
        <div className="actions">
          <button type="submit" disabled={busy}>{t("login.submit")}</button>
        </div>
      </Form>
      <p className="muted" style={{ fontSize: ".85rem", marginTop: "1rem" }}>{t("login.hint")}</p>
    </section>
  );
}
