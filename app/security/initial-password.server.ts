import type { Knex } from "knex";
import { hashPassword } from "../auth/password.server.ts";
import { checkPassword } from "../auth/password-policy.ts";
import { writeAudit } from "../audit/audit.server.ts";
import type { AppConfig } from "../platform/config.server.ts";

/**
 * Initial password of a new or reset account (ASVS 2.3.1). In production a
 * random one-time password, valid 7 days, to be shown once to the admin and
 * handed to the user; the user must change it at first sign-in (the sign-in
 * refuses it once expired). Outside production the regulation's shared
 * default (DEFAULT_PASSWORD) is used, without expiry, as in the demo.
 * Existing sessions of the account end.
 */
export const INITIAL_PASSWORD_DAYS = 7;
const ALPHABET = {
  upper: "ABCDEFGHJKLMNPQRSTUVWXYZ",
  lower: "abcdefghijkmnopqrstuvwxyz",
  digit: "23456789",
  special: "#%+=!@?",
};

function pick(set: string): string {
  const b = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(b);
    const limit = Math.floor(0x100000000 / set.length) * set.length; // no modulo bias
    if (b[0] < limit) return set[b[0] % set.length];
  }
}

/** 16 characters (≈ 95 bits) with each class present, no look-alike characters. */
export function randomInitialPassword(length = 16): string {
  const all = ALPHABET.upper + ALPHABET.lower + ALPHABET.digit + ALPHABET.special;
  const chars = [pick(ALPHABET.upper), pick(ALPHABET.lower), pick(ALPHABET.digit), pick(ALPHABET.special)];
  while (chars.length < length) chars.push(pick(all));
  // Fisher–Yates with unbiased indices
  for (let i = chars.length - 1; i > 0; i--) {
    const b = new Uint32Array(1);
    let j: number;
    const limit = Math.floor(0x100000000 / (i + 1)) * (i + 1);
    do crypto.getRandomValues(b);
    while (b[0] >= limit);
    j = b[0] % (i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join("");
}

export interface InitialPassword {
  password: string;
  /** null outside production (the shared default does not expire). */
  expiresAt: Date | null;
  mode: "random" | "default";
}

export async function issueInitialPassword(
  db: Knex,
  userId: number,
  config: Pick<AppConfig, "isProduction" | "DEFAULT_PASSWORD">,
  opts: { actor?: { userId: number; username: string; unitId?: number | null; ip?: string | null }; now?: Date } = {},
): Promise<InitialPassword> {
  const now = opts.now ?? new Date();
  const user = await db("users").where({ id: userId }).first("id", "username");
  if (!user) throw new Error(`no user ${userId}`);
  let password: string;
  let expiresAt: Date | null = null;
  if (config.isProduction) {
    do password = randomInitialPassword();
    while (checkPassword(password, { username: user.username, defaultPassword: config.DEFAULT_PASSWORD }).length);
    expiresAt = new Date(now.getTime() + INITIAL_PASSWORD_DAYS * 86_400_000);
  } else {
    password = config.DEFAULT_PASSWORD;
  }
  const hash = await hashPassword(password);
  await db.transaction(async (trx) => {
    await trx("users").where({ id: userId }).update({
      password_hash: hash, must_change_password: true, password_changed_at: null, initial_password_expires_at: expiresAt,
      failed_attempts: 0, locked_until: null, updated_at: now,
    });
    await trx("sessions").where({ user_id: userId }).delete();
    await writeAudit(trx, {
      action: "account.initial_password_issued",
      actorUserId: opts.actor?.userId ?? null, actorUsername: opts.actor?.username ?? null, unitId: opts.actor?.unitId ?? null, ip: opts.actor?.ip ?? null,
      targetType: "user", targetId: userId,
      details: { mode: config.isProduction ? "random" : "default", expiresAt: expiresAt?.toISOString() ?? null },
    });
  });
  return { password, expiresAt, mode: config.isProduction ? "random" : "default" };
}

/**
 * A password hash no password matches (not a valid argon2 string, so
 * verification fails closed). Production seeds accounts with it: nobody can
 * sign in until an administrator issues a one-time initial password.
 */
export function unusablePasswordHash(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return `!unusable!${Buffer.from(b).toString("hex")}`;
}
