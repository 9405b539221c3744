import type { Db } from "../db/knex.server.ts";
import type { AppConfig } from "../platform/config.server.ts";
import { dummyHash, hashPassword, verifyPassword } from "./password.server.ts";
import { checkPassword, type PasswordProblem } from "./password-policy.ts";
import { createSession, invalidateUserSessions } from "./session.server.ts";
import { writeAudit, AUTH_ACTIONS } from "../audit/audit.server.ts";

type AuthConfig = Pick<AppConfig, "LOCKOUT_THRESHOLD" | "LOCKOUT_MINUTES" | "SESSION_IDLE_MINUTES" | "SESSION_ABSOLUTE_HOURS" | "DEFAULT_PASSWORD" | "PASSWORD_MAX_AGE_DAYS">;

export type SignInResult =
  | { ok: true; token: string; userId: number; mustChangePassword: boolean }
  | { ok: false; reason: "invalid" }; // one reason only: never reveal whether the username exists, is locked or closed

const sessionPolicy = (c: AuthConfig) => ({ idleMinutes: c.SESSION_IDLE_MINUTES, absoluteHours: c.SESSION_ABSOLUTE_HOURS });

/**
 * Password sign-in with lockout: LOCKOUT_THRESHOLD consecutive failures lock
 * the account for LOCKOUT_MINUTES. Every outcome is audited. The caller shows
 * the same message for every failure.
 */
export async function signIn(
  db: Db,
  config: AuthConfig,
  input: { username: string; password: string; ip?: string; userAgent?: string },
  now = new Date(),
): Promise<SignInResult> {
  const username = input.username.trim().toLowerCase().slice(0, 100);
  const user = await db("users").where({ username }).first();
  if (!user) {
    await verifyPassword(await dummyHash(), input.password); // same work as a real check
    await writeAudit(db, { action: AUTH_ACTIONS.loginFailure, actorUsername: username, ip: input.ip, details: { reason: "unknown_user" } });
    return { ok: false, reason: "invalid" };
  }
  const audit = (action: string, details: Record<string, unknown>) =>
    writeAudit(db, { action, actorUserId: user.id, actorUsername: user.username, unitId: user.unit_id, ip: input.ip, targetType: "user", targetId: user.id, details });

  if (user.locked_until && new Date(user.locked_until) > now) {
    await verifyPassword(user.password_hash, input.password); // same work as any attempt: timing does not tell a lock
    await audit(AUTH_ACTIONS.loginFailure, { reason: "locked" });
    return { ok: false, reason: "invalid" };
  }
  const passwordOk = await verifyPassword(user.password_hash, input.password);
  if (!passwordOk || user.status !== "active") {
    if (user.status !== "active") {
      await audit(AUTH_ACTIONS.loginFailure, { reason: "closed" });
      return { ok: false, reason: "invalid" };
    }
    // A lock that has run out starts a fresh count.
    const previous = user.locked_until && new Date(user.locked_until) <= now ? 0 : user.failed_attempts;
    const attempts = previous + 1;
    const lock = attempts >= config.LOCKOUT_THRESHOLD;
    await db("users")
      .where({ id: user.id })
      .update({ failed_attempts: lock ? 0 : attempts, locked_until: lock ? new Date(now.getTime() + config.LOCKOUT_MINUTES * 60_000) : null });
    await audit(AUTH_ACTIONS.loginFailure, { reason: "bad_password", attempts });
    if (lock) await audit(AUTH_ACTIONS.locked, { minutes: config.LOCKOUT_MINUTES });
    return { ok: false, reason: "invalid" };
  }
  if (user.initial_password_expires_at && user.must_change_password && new Date(user.initial_password_expires_at) < now) {
    await audit(AUTH_ACTIONS.loginFailure, { reason: "initial_password_expired" });
    return { ok: false, reason: "invalid" };
  }
  await db("users").where({ id: user.id }).update({ failed_attempts: 0, locked_until: null, last_login_at: now });
  const { token } = await createSession(db, user.id, sessionPolicy(config), { ip: input.ip, userAgent: input.userAgent }, now);
  await audit(AUTH_ACTIONS.loginSuccess, {});
  return { ok: true, token, userId: user.id, mustChangePassword: passwordChangeRequired(user, config, now) };
}

/** First sign-in, an admin reset, or a password older than PASSWORD_MAX_AGE_DAYS. */
export function passwordChangeRequired(
  user: { must_change_password: boolean; password_changed_at: string | Date | null },
  config: Pick<AuthConfig, "PASSWORD_MAX_AGE_DAYS">,
  now = new Date(),
): boolean {
  if (user.must_change_password || !user.password_changed_at) return true;
  const age = now.getTime() - new Date(user.password_changed_at).getTime();
  return age > config.PASSWORD_MAX_AGE_DAYS * 86_400_000;
}

export type ChangePasswordResult = { ok: true } | { ok: false; problems: (PasswordProblem | "wrong_current" | "mismatch" | "reused")[] };

const HISTORY_DEPTH = 5;

/** Change one's own password; other sessions of the user are signed out. */
export async function changePassword(
  db: Db,
  config: AuthConfig,
  input: { userId: number; currentPassword: string; newPassword: string; confirmPassword: string; keepSessionId?: string; ip?: string },
  now = new Date(),
): Promise<ChangePasswordResult> {
  const user = await db("users").where({ id: input.userId }).first();
  if (!user) return { ok: false, problems: ["wrong_current"] };
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) return { ok: false, problems: ["wrong_current"] };
  const problems: (PasswordProblem | "wrong_current" | "mismatch" | "reused")[] = [];
  if (input.newPassword !== input.confirmPassword) problems.push("mismatch");
  problems.push(...checkPassword(input.newPassword, { username: user.username, defaultPassword: config.DEFAULT_PASSWORD }));
  if (!problems.length) {
    const history = await db("password_history").where({ user_id: user.id }).orderBy("id", "desc").limit(HISTORY_DEPTH).pluck("password_hash");
    for (const h of [user.password_hash, ...history]) {
      if (await verifyPassword(h, input.newPassword)) {
        problems.push("reused");
        break;
      }
    }
  }
  if (problems.length) return { ok: false, problems };
  const hash = await hashPassword(input.newPassword);
  await db.transaction(async (trx) => {
    await trx("password_history").insert({ user_id: user.id, password_hash: user.password_hash });
    await trx("users").where({ id: user.id }).update({ password_hash: hash, must_change_password: false, password_changed_at: now, initial_password_expires_at: null, updated_at: now });
    await writeAudit(trx, { action: AUTH_ACTIONS.passwordChanged, actorUserId: user.id, actorUsername: user.username, unitId: user.unit_id, targetType: "user", targetId: user.id, ip: input.ip });
  });
  await invalidateUserSessions(db, user.id, input.keepSessionId);
  return { ok: true };
}
