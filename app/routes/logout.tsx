import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { clearSessionCookie, invalidateSession } from "../auth/session.server.ts";
import { getAuth, isSecureRequest, requireUser } from "../auth/guards.server.ts";
import { writeAudit, AUTH_ACTIONS } from "../audit/audit.server.ts";
import type { AppLoadContext } from "../platform/services.ts";

/** Sign-out invalidates the session on the server, then clears the cookie. */
export async function action(args: ActionFunctionArgs) {
  const probe = await getAuth(args);
  if (probe && !("failure" in probe)) {
    const auth = await requireUser(args, { allowPasswordChange: true, allowMfaPending: true }); // [safety/MFA] one can sign out at the second step
    await invalidateSession(auth.services.db, auth.session.id);
    await writeAudit(auth.services.db, {
      action: AUTH_ACTIONS.logout, actorUserId: auth.user.id, actorUsername: auth.user.username, unitId: auth.user.unitId,
      ip: (args.context as unknown as AppLoadContext).clientIp,
    });
  }
  return redirect("/login?reason=signed-out", { headers: { "Set-Cookie": clearSessionCookie(isSecureRequest(args.request)) } });
}

export async function loader() {
  return redirect("/");
}
