import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import {
  Form, Link, Links, Meta, NavLink, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse,
  useLoaderData, useRouteError, useRouteLoaderData,
} from "@remix-run/react";
import styles from "./styles/app.css";
import { getAuth } from "./auth/guards.server.ts";
import { langFromRequest, translate, type Lang } from "./i18n/i18n.ts";
import { navItems } from "./components/nav.ts";
import type { AppLoadContext } from "./platform/services.ts";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];
export const meta: MetaFunction = () => [{ title: "CSDL Dân tộc" }];

export async function loader(args: LoaderFunctionArgs) {
  const lang = langFromRequest(args.request);
  const context = args.context as unknown as AppLoadContext;
  const auth = await getAuth(args);
  const signedIn = auth && !("failure" in auth) ? auth : null;
  return json({
    lang,
    listener: context.listener,
    nonce: context.cspNonce,
    csrf: signedIn?.session.csrfSecret ?? "",
    adminUrl: `http://${context.services.config.ADMIN_HOST}:${context.services.config.ADMIN_PORT}/admin`,
    user: signedIn
      ? {
          username: signedIn.user.username, unitName: signedIn.user.unitName, roles: signedIn.user.roles, tier: signedIn.user.tier,
          mustChangePassword: (signedIn as { mustChangePassword?: boolean }).mustChangePassword === true,
        }
      : null,
  });
}

type RootData = ReturnType<typeof useLoaderData<typeof loader>>;

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData("root") as RootData | undefined;
  const lang: Lang = data?.lang ?? "vi";
  const t = (k: string) => translate(lang, k);
  const user = data?.user;
  return (
    <html lang={lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className={data?.listener === "admin" ? "admin-port" : undefined}>
        <header className="topbar">
          <Link to="/" className="brand">
            <strong>{t("app.name")}</strong>
            <span>{t("app.owner")}</span>
          </Link>
          {data?.listener === "admin" ? <span className="badge badge-admin">{t("nav.admin")}</span> : null}
          <div className="topbar-right">
            {user ? (
              <>
                <span className="who">
                  {user.unitName} · <code>{user.username}</code>
                </span>
                {!user.mustChangePassword ? (
                  <>
                    <Link to="/account/password">{t("nav.password")}</Link>
                    <Link to="/account/mfa">{t("nav.mfa")}</Link>
                  </>
                ) : null}
                <Form method="post" action="/logout">
                  <input type="hidden" name="_csrf" value={data?.csrf ?? ""} />
                  <button type="submit" className="link-button">{t("nav.logout")}</button>
                </Form>
              </>
            ) : null}
            <Form method="post" action="/lang" reloadDocument>
              <input type="hidden" name="lang" value={lang === "vi" ? "en" : "vi"} />
              <button type="submit" className="link-button">{t("nav.language")}</button>
            </Form>
          </div>
        </header>
        {user && !user.mustChangePassword ? (
          <nav className="mainnav" aria-label="Điều hướng chính">
            {navItems
              .filter((n) => n.roles.some((r) => user.roles.includes(r)))
              .filter((n) => n.listener === (data?.listener ?? "public") || (n.listener === "public" && data?.listener === "admin" && n.to === "/"))
              .map((n) => (
                <NavLink key={n.to} to={n.to} end={n.to === "/" || n.to === "/admin"}>
                  {t(n.key)}
                </NavLink>
              ))}
            {data?.listener === "public" && user.roles.includes("admin") ? (
              <a href={data.adminUrl} className="nav-admin-link">{t("nav.admin")} ↗</a>
            ) : null}
          </nav>
        ) : null}
        <main>{children}</main>
        <ScrollRestoration nonce={data?.nonce} />
        <Scripts nonce={data?.nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData("root") as RootData | undefined;
  const lang: Lang = data?.lang ?? "vi";
  let message = translate(lang, "error.generic");
  if (isRouteErrorResponse(error)) {
    if (error.status === 404) message = translate(lang, "error.notFound");
    else if (error.status === 403) message = error.statusText === "CSRF" ? translate(lang, "error.csrf") : translate(lang, "error.forbidden");
    else if (error.status < 500 && typeof error.data === "string") message = error.data;
  }
  return (
    <section className="panel error">
      <h1>{translate(lang, "error.title")}</h1>
      <p>{message}</p>
      <p>
        <Link to="/">{translate(lang, "nav.home")}</Link>
      </p>
    </section>
  );
}
