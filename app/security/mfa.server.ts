import QRCode from "qrcode";
import type { Knex } from "knex";
import { writeAudit } from "../audit/audit.server.ts";
import { newTotpKey, keyFromBase32, keyToBase32, totpUri, verifyTotp } from "./totp.ts";
import { newRecoveryCode, normaliseRecoveryCode, looksLikeRecoveryCode, RECOVERY_CODE_COUNT } from "./recovery-codes.ts";
import { openSecret, sealSecret, sha256Hex } from "./secret-box.server.ts";

/**
 * TOTP second factor (ASVS 2.8, 4.3.1). users.totp_secret holds the sealed
 * key; totp_enabled_at is set once the user has proved the app works
 * (enrolment = pending key + a first valid code). Verification marks the
 * session (sessions.mfa_verified). Every step is audited.
 */
export const MFA_ISSUER = "CSDL Dan toc Cao Bang";
const PURPOSE = "totp";

export const MFA_ACTIONS = {
  enrolStarted: "mfa.enrol_started",
  enrolled: "mfa.enrolled",
  verified: "mfa.verified",
  failed: "mfa.failed",
  recoveryUsed: "mfa.recovery_code_used",
  recoveryRegenerated: "mfa.recovery_codes_regenerated",
  reset: "mfa.reset",
} as const;

export interface MfaConfig {
  APP_SECRET?: string;
}

interface Actor {
  userId: number;
  username: string;
  unitId?: number | null;
  ip?: string | null;
}

const audit = (db: Knex | Knex.Transaction, a: Actor, action: string, details: Record<string, unknown> = {}) =>
  writeAudit(db, { action, actorUserId: a.userId, actorUsername: a.username, unitId: a.unitId ?? null, ip: a.ip ?? null, targetType: "user", targetId: a.userId, details });

export interface EnrolmentStart {
  secretBase32: string;
  uri: string;
  qrSvg: string;
}

/** Start (or restart) enrolment: a fresh pending key. Refused while a factor is enabled. */
export async function startEnrolment(db: Knex, config: MfaConfig, actor: Actor): Promise<EnrolmentStart> {
  const user = await db("users").where({ id: actor.userId }).first("totp_enabled_at");
  if (user?.totp_enabled_at) throw new MfaError("already_enrolled");
  const key = newTotpKey();
  await db("users").where({ id: actor.userId }).update({ totp_secret: sealSecret(keyToBase32(key), config.APP_SECRET, PURPOSE), totp_last_step: null });
  await audit(db, actor, MFA_ACTIONS.enrolStarted);
  return enrolmentView(actor.username, key);
}

/** The QR code of a pending enrolment (page reload without a new key). */
export async function pendingEnrolment(db: Knex, config: MfaConfig, actor: Actor): Promise<EnrolmentStart | null> {
  const user = await db("users").where({ id: actor.userId }).first("totp_secret", "totp_enabled_at");
  if (!user?.totp_secret || user.totp_enabled_at) return null;
  return enrolmentView(actor.username, keyFromBase32(openSecret(user.totp_secret, config.APP_SECRET, PURPOSE)));
}

async function enrolmentView(username: string, key: Uint8Array): Promise<EnrolmentStart> {
  const uri = totpUri(MFA_ISSUER, username, key);
  const qrSvg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2, width: 220 });
  return { secretBase32: keyToBase32(key).match(/.{1,4}/g)!.join(" "), uri, qrSvg };
}

export class MfaError extends Error {
  override name = "MfaError";
  constructor(public code: "already_enrolled" | "not_enrolled" | "no_pending" | "bad_code") {
    super(code);
  }
}

/** Confirm enrolment with a first code; returns the recovery codes (shown once). Marks the session verified. */
export async function confirmEnrolment(db: Knex, config: MfaConfig, actor: Actor, code: string, sessionId?: string, now = Date.now()): Promise<string[]> {
  const user = await db("users").where({ id: actor.userId }).first("totp_secret", "totp_enabled_at");
  if (user?.totp_enabled_at) throw new MfaError("already_enrolled");
  if (!user?.totp_secret) throw new MfaError("no_pending");
  const key = keyFromBase32(openSecret(user.totp_secret, config.APP_SECRET, PURPOSE));
  const step = verifyTotp(key, code, { now });
  if (step === null) {
    await audit(db, actor, MFA_ACTIONS.failed, { stage: "enrol" });
    throw new MfaError("bad_code");
  }
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await db.transaction(async (trx) => {
    await trx("users").where({ id: actor.userId }).update({ totp_enabled_at: new Date(now), totp_last_step: Number(step) });
    await trx("mfa_recovery_codes").where({ user_id: actor.userId }).whereNull("used_at").update({ used_at: new Date(now) });
    await trx("mfa_recovery_codes").insert(codes.map((c) => ({ user_id: actor.userId, code_hash: sha256Hex(normaliseRecoveryCode(c)) })));
    if (sessionId) await trx("sessions").where({ id: sessionId, user_id: actor.userId }).update({ mfa_verified: true });
    await audit(trx, actor, MFA_ACTIONS.enrolled);
  });
  return codes;
}

export type MfaVerifyResult = { ok: true; method: "totp" | "recovery"; recoveryCodesLeft: number } | { ok: false };

/**
 * The sign-in step after the password: a TOTP code (not a replay) or an
 * unused recovery code (then spent). On success the session is marked.
 */
export async function verifySecondFactor(db: Knex, config: MfaConfig, actor: Actor, input: string, sessionId: string, now = Date.now()): Promise<MfaVerifyResult> {
  const user = await db("users").where({ id: actor.userId }).first("totp_secret", "totp_enabled_at", "totp_last_step");
  if (!user?.totp_enabled_at || !user.totp_secret) throw new MfaError("not_enrolled");
  const input1 = input.slice(0, 64);
  let method: "totp" | "recovery" | null = null;
  await db.transaction(async (trx) => {
    if (looksLikeRecoveryCode(input1)) {
      const spent = await trx("mfa_recovery_codes")
        .where({ user_id: actor.userId, code_hash: sha256Hex(normaliseRecoveryCode(input1)) })
        .whereNull("used_at")
        .update({ used_at: new Date(now) });
      if (spent === 1) method = "recovery";
    } else {
      const locked = await trx("users").where({ id: actor.userId }).forUpdate().first("totp_last_step");
      const key = keyFromBase32(openSecret(user.totp_secret, config.APP_SECRET, PURPOSE));
      const last = locked?.totp_last_step === null || locked?.totp_last_step === undefined ? null : BigInt(locked.totp_last_step);
      const step = verifyTotp(key, input1, { now, lastStep: last });
      if (step !== null) {
        await trx("users").where({ id: actor.userId }).update({ totp_last_step: Number(step) });
        method = "totp";
      }
    }
    if (method) {
      await trx("sessions").where({ id: sessionId, user_id: actor.userId }).update({ mfa_verified: true });
      await audit(trx, actor, method === "recovery" ? MFA_ACTIONS.recoveryUsed : MFA_ACTIONS.verified);
    }
  });
  if (!method) {
    await audit(db, actor, MFA_ACTIONS.failed, { stage: "sign_in" });
    return { ok: false };
  }
  return { ok: true, method, recoveryCodesLeft: await recoveryCodesLeft(db, actor.userId) };
}

export async function recoveryCodesLeft(db: Knex, userId: number): Promise<number> {
  const r = await db("mfa_recovery_codes").where({ user_id: userId }).whereNull("used_at").count({ n: "*" });
  return Number(r[0].n);
}

/** New recovery codes (the old unused ones stop working). Requires an enrolled factor. */
export async function regenerateRecoveryCodes(db: Knex, actor: Actor, now = Date.now()): Promise<string[]> {
  const user = await db("users").where({ id: actor.userId }).first("totp_enabled_at");
  if (!user?.totp_enabled_at) throw new MfaError("not_enrolled");
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await db.transaction(async (trx) => {
    await trx("mfa_recovery_codes").where({ user_id: actor.userId }).whereNull("used_at").update({ used_at: new Date(now) });
    await trx("mfa_recovery_codes").insert(codes.map((c) => ({ user_id: actor.userId, code_hash: sha256Hex(normaliseRecoveryCode(c)) })));
    await audit(trx, actor, MFA_ACTIONS.recoveryRegenerated);
  });
  return codes;
}

/**
 * An administrator removes another account's factor (lost phone and codes):
 * the user must enrol again; their sessions end.
 */
export async function resetMfa(db: Knex, admin: Actor, targetUserId: number, now = Date.now()): Promise<void> {
  await db.transaction(async (trx) => {
    await trx("users").where({ id: targetUserId }).update({ totp_secret: null, totp_enabled_at: null, totp_last_step: null });
    await trx("mfa_recovery_codes").where({ user_id: targetUserId }).whereNull("used_at").update({ used_at: new Date(now) });
    await trx("sessions").where({ user_id: targetUserId }).delete();
    await writeAudit(trx, { action: MFA_ACTIONS.reset, actorUserId: admin.userId, actorUsername: admin.username, unitId: admin.unitId ?? null, ip: admin.ip ?? null, targetType: "user", targetId: targetUserId });
  });
}
