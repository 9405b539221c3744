import { redirect } from "@remix-run/node";
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import type { AppLoadContext, AppServices } from "../platform/services.ts";
import type { Role, Tier } from "./roles.ts";
import { buildScope, type Scope } from "../scope/scope.ts";
import { clearSessionCookie, readSessionToken, validateSessionToken, type SessionRecord } from "./session.server.ts";
import { passwordChangeRequired } from "./login.server.ts";
import { writeAudit, AUTH_ACTIONS } from "../audit/audit.server.ts";
import { assertAdminMfa, assertMfaVerified } from "../security/mfa-guard.server.ts"; // [safety/MFA]

/**
 * Guards every loader and action calls (Remix runs nested loaders in
 * parallel, so a parent's check never protects a child). They throw
 * Responses: a redirect to /login, to the forced password change, or 403.
 */
export interface SessionUser {
  id: number;
  username: string;
  unitId: number;
  unitName: string;
  unitCode: string;
  tier: Tier;
  roles: Role[];
  totpEnabled: boolean;
}

export interface Auth {
  user: SessionUser;
  scope: Scope;
  session: SessionRecord;
  services: AppServices;
}

interface Args {
  request: Request;
  context: AppLoadContext | Record<string, unknown>;
}

export const PASSWORD_CHANGE_PATH = "/account/password";

export function servicesOf(context: Args["context"]): AppServices {
  const s = (context as AppLoadContext).services;
  if (!s) throw new Error("load context has no services: start the platform through app/platform/server.ts");
  return s;
}

export function isSecureRequest(request: Request): boolean {
  return new URL(request.url).protocol === "https:";
}

function loginRedirect(request: Request, reason?: string): Response {
  const url = new URL(request.url);
  const params = new URLSearchParams();
  if (request.method === "GET" && url.pathname !== "/") params.set("redirectTo", url.pathname + url.search);
  if (reason) params.set("reason", reason);
  const qs = params.toString();
  return redirect(`/login${qs ? `?${qs}` : ""}`, { headers: { "Set-Cookie": clearSessionCookie(isSecureRequest(request)) } });
}

/** The signed-in user, or null (no redirects). */
export type AuthLookup = Auth | { failure: string } | null;

/**
 * Remix runs the root loader and the page's loaders for one HTTP request in
 * parallel, each with its own Request object but the same load context: the
 * session is looked up once per HTTP request. An action may change the
 * session (sign-out, password, second factor), so it always looks up afresh
 * and the loaders that follow it look up again.
 */
const lookups = new WeakMap<object, Promise<AuthLookup>>();

export function getAuth(args: Args): Promise<AuthLookup> {
  const key = args.context as object;
  if (!["GET", "HEAD"].includes(args.request.method)) {
    lookups.delete(key);
    return lookupAuth(args);
  }
  let p = lookups.get(key);
  if (!p) {
    p = lookupAuth(args);
    lookups.set(key, p);
  }
  return p;
}

async function lookupAuth({ request, context }: Args): Promise<AuthLookup> {
  const services = servicesOf(context);
  const token = readSessionToken(request);
  if (!token) return null;
  const v = await validateSessionToken(services.db, token, { idleMinutes: services.config.SESSION_IDLE_MINUTES, absoluteHours: services.config.SESSION_ABSOLUTE_HOURS });
  if (!v.ok) return { failure: v.reason };
  const row = await services.db("users as u")
    .join("units as un", "un.id", "u.unit_id")
    .where("u.id", v.session.userId)
    .first(
      "u.id", "u.username", "u.roles", "u.status", "u.must_change_password", "u.password_changed_at", "u.totp_enabled_at",
      "un.id as unit_id", "un.name as unit_name", "un.code as unit_code", "un.tier", "un.path", "un.sector_domains",
    );
  if (!row || row.status !== "active") return { failure: "invalid" };
  const user: SessionUser = {
    id: row.id, username: row.username, unitId: row.unit_id, unitName: row.unit_name, unitCode: row.unit_code,
    tier: row.tier, roles: row.roles, totpEnabled: !!row.totp_enabled_at,
  };
  const scope = buildScope({ userId: row.id, username: row.username, unitId: row.unit_id, unitPath: row.path, tier: row.tier, roles: row.roles, sectorDomains: row.sector_domains });
  const auth: Auth & { mustChangePassword: boolean } = {
    user, scope, session: v.session, services,
    mustChangePassword: passwordChangeRequired(row, services.config),
  };
  return auth;
}

/**
 * Require a signed-in, active user whose password is current; for non-GET
 * requests also a valid CSRF token (form field `_csrf` or header
 * `x-csrf-token`, bound to the session).
 */
export async function requireUser(args: Args, opts: { allowPasswordChange?: boolean; allowMfaPending?: boolean } = {}): Promise<Auth> {
  const a = await getAuth(args);
  if (!a) throw loginRedirect(args.request);
  if ("failure" in a) {
    if (a.failure === "idle" || a.failure === "expired") {
      await writeAudit(servicesOf(args.context).db, { action: AUTH_ACTIONS.sessionExpired, details: { reason: a.failure } });
    }
    throw loginRedirect(args.request, a.failure === "idle" || a.failure === "expired" ? a.failure : undefined);
  }
  const auth = a as Auth & { mustChangePassword: boolean };
  if (!opts.allowMfaPending) assertMfaVerified(auth, args.request); // [safety/MFA] TOTP users pass /login/mfa first
  if (auth.mustChangePassword && !opts.allowPasswordChange) throw redirect(PASSWORD_CHANGE_PATH);
  if (!["GET", "HEAD"].includes(args.request.method)) await verifyCsrf(args.request, auth.session);
  return auth;
}

export async function requireRole(args: Args, role: Role | Role[]): Promise<Auth> {
  const auth = await requireUser(args);
  const roles = Array.isArray(role) ? role : [role];
  if (!roles.some((r) => auth.user.roles.includes(r))) throw forbidden();
  if (roles.includes("admin") && roles.length === 1 && auth.user.tier !== "province") throw forbidden();
  return auth;
}

/** Admin pages: the admin role, served only on the separated admin listener. */
export async function requireAdmin(args: Args): Promise<Auth> {
  const listener = (args.context as AppLoadContext).listener;
  if (listener !== "admin") throw new Response("Not Found", { status: 404 });
  const auth = await requireRole(args, "admin");
  assertAdminMfa(auth, args.request); // [safety/MFA] ASVS 4.3.1: admin pages need an enrolled, verified second factor
  return auth;
}

export function forbidden(message = "Forbidden"): Response {
  return new Response(message, { status: 403 });
}

export class CsrfError extends Error {
  override name = "CsrfError";
}

async function verifyCsrf(request: Request, session: SessionRecord): Promise<void> {
  let token = request.headers.get("x-csrf-token");
  if (!token) {
    const type = request.headers.get("content-type") ?? "";
    if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
      try {
        const form = await request.clone().formData();
        const v = form.get("_csrf");
        token = typeof v === "string" ? v : null;
      } catch {
        token = null;
      }
    }
  }
  const enc = new TextEncoder();
  if (!token || token.length !== session.csrfSecret.length || !constantTimeEqual(enc.encode(token), enc.encode(session.csrfSecret))) {
    throw new Response("CSRF token missing or invalid", { status: 403, statusText: "CSRF" });
  }
}
