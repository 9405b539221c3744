import { sha256 } from "@oslojs/crypto/sha2";
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";
import type { Db } from "../db/knex.server.ts";

/**
 * Sessions after the Lucia project's guide (docs/decisions/001-sessions.md):
 * the token handed to the browser is `<id>.<secret>`; the database keeps the
 * id and SHA-256(secret) only, compared in constant time. Idle timeout and
 * absolute lifetime are enforced on every validation; no "remember me".
 */
export interface SessionPolicy {
  idleMinutes: number;
  absoluteHours: number;
}

export interface SessionRecord {
  id: string;
  userId: number;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  mfaVerified: boolean;
  csrfSecret: string;
}

export type SessionValidation =
  | { ok: true; session: SessionRecord }
  | { ok: false; reason: "missing" | "invalid" | "idle" | "expired" };

function randomString(bytes = 20): string {
  const b = new Uint8Array(bytes);
  crypto.getRandomValues(b);
  return encodeBase32LowerCaseNoPadding(b);
}

function hashSecret(secret: string): Uint8Array {
  return sha256(new TextEncoder().encode(secret));
}

export async function createSession(
  db: Db,
  userId: number,
  policy: SessionPolicy,
  meta: { ip?: string; userAgent?: string } = {},
  now = new Date(),
): Promise<{ token: string; session: SessionRecord }> {
  const id = randomString();
  const secret = randomString();
  const csrfSecret = randomString();
  const expiresAt = new Date(now.getTime() + policy.absoluteHours * 3600_000);
  await db("sessions").insert({
    id,
    secret_hash: Buffer.from(hashSecret(secret)),
    user_id: userId,
    created_at: now,
    last_seen_at: now,
    expires_at: expiresAt,
    ip: meta.ip ?? null,
    user_agent: meta.userAgent?.slice(0, 300) ?? null,
    csrf_secret: csrfSecret,
  });
  return {
    token: `${id}.${secret}`,
    session: { id, userId, createdAt: now, lastSeenAt: now, expiresAt, mfaVerified: false, csrfSecret },
  };
}

export async function validateSessionToken(db: Db, token: string | null | undefined, policy: SessionPolicy, now = new Date()): Promise<SessionValidation> {
  if (!token) return { ok: false, reason: "missing" };
  const parts = token.split(".");
  if (parts.length !== 2 || !parts[0] || !parts[1] || parts[0].length > 64 || parts[1].length > 64) return { ok: false, reason: "invalid" };
  const [id, secret] = parts;
  const row = await db("sessions").where({ id }).first();
  if (!row) return { ok: false, reason: "invalid" };
  const stored = new Uint8Array(row.secret_hash);
  if (!constantTimeEqual(hashSecret(secret), stored)) return { ok: false, reason: "invalid" };
  const lastSeen = new Date(row.last_seen_at);
  const expiresAt = new Date(row.expires_at);
  if (now >= expiresAt) {
    await db("sessions").where({ id }).delete();
    return { ok: false, reason: "expired" };
  }
  if (now.getTime() - lastSeen.getTime() >= policy.idleMinutes * 60_000) {
    await db("sessions").where({ id }).delete();
    return { ok: false, reason: "idle" };
  }
  // Touch at most once a minute to keep writes low.
  if (now.getTime() - lastSeen.getTime() > 60_000) await db("sessions").where({ id }).update({ last_seen_at: now });
  return {
    ok: true,
    session: {
      id,
      userId: row.user_id,
      createdAt: new Date(row.created_at),
      lastSeenAt: now,
      expiresAt,
      mfaVerified: row.mfa_verified,
      csrfSecret: row.csrf_secret,
    },
  };
}

/** Sessions past their idle timeout or lifetime that nobody came back to; returns how many were removed. */
export async function deleteExpiredSessions(db: Db, policy: SessionPolicy, now = new Date()): Promise<number> {
  return db("sessions")
    .where("expires_at", "<=", now)
    .orWhere("last_seen_at", "<=", new Date(now.getTime() - policy.idleMinutes * 60_000))
    .delete();
}

export async function invalidateSession(db: Db, sessionId: string): Promise<void> {
  await db("sessions").where({ id: sessionId }).delete();
}

export async function invalidateUserSessions(db: Db, userId: number, exceptSessionId?: string): Promise<void> {
  const q = db("sessions").where({ user_id: userId });
  if (exceptSessionId) q.whereNot({ id: exceptSessionId });
  await q.delete();
}

export const SESSION_COOKIE = "csdl_session";

/** Session cookie: HttpOnly, SameSite=Lax, Secure over HTTPS, no Max-Age (a browser-session cookie: no "remember me"). */
export function sessionCookie(token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

export function clearSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? "; Secure" : ""}`;
}

export function readSessionToken(request: Request): string | null {
  const cookie = request.headers.get("cookie");
  if (!cookie) return null;
  for (const part of cookie.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === SESSION_COOKIE) return v.join("=") || null;
  }
  return null;
}
