import { redirect } from "@remix-run/node";

/**
 * Where the second factor sits in the guards (app/auth/guards.server.ts calls
 * these): a user with TOTP must pass /login/mfa after the password before any
 * other page; admin pages additionally require an enrolled factor (ASVS
 * 4.3.1), sending an admin without one to /account/mfa to enrol.
 */
export const MFA_VERIFY_PATH = "/login/mfa";
export const MFA_ENROL_PATH = "/account/mfa";

interface MfaState {
  user: { totpEnabled: boolean };
  session: { mfaVerified: boolean };
}

function back(request: Request): string {
  const u = new URL(request.url);
  return request.method === "GET" && u.pathname !== "/" ? `?redirectTo=${encodeURIComponent(u.pathname + u.search)}` : "";
}

/** Throws a redirect to the verification step when the session still lacks it. */
export function assertMfaVerified(auth: MfaState, request: Request): void {
  if (auth.user.totpEnabled && !auth.session.mfaVerified) throw redirect(`${MFA_VERIFY_PATH}${back(request)}`);
}

/** Admin pages: an enrolled and verified second factor. */
export function assertAdminMfa(auth: MfaState, request: Request): void {
  if (!auth.user.totpEnabled) {
    const b = back(request);
    throw redirect(`${MFA_ENROL_PATH}${b ? `${b}&` : "?"}required=1`);
  }
  assertMfaVerified(auth, request);
}
