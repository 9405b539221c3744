import type { AuditActor } from "../audit/audit.server.ts";
import { z } from "zod";
import type { Db } from "../db/knex.server.ts";
import type { AppConfig } from "../platform/config.server.ts";
import { issueInitialPassword, unusablePasswordHash } from "../security/initial-password.server.ts";
import { invalidateUserSessions } from "../auth/session.server.ts";
import { writeAudit } from "../audit/audit.server.ts";
import { ROLES, type Role } from "../auth/roles.ts";

/**
 * Account administration (province committee only; the routes check that).
 * Accounts that produced data are never deleted, only closed (QĐ 09/2022).
 */
/** The signed-in user acting (the audit trail's actor). */
export type Actor = AuditActor;

export class AccountError extends Error {
  override name = "AccountError";
  constructor(
    public readonly code: string,
    public readonly params: Record<string, string | number> = {},
  ) {
    super(code);
  }
}

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{2,99}$/, "admin.usernameInvalid");

export const officialSchema = z.object({
  full_name: z.string().trim().min(2, "admin.nameRequired").max(200),
  title: z.string().trim().max(200).optional().default(""),
  department: z.string().trim().max(200).optional().default(""),
  phone: z.string().trim().regex(/^$|^[+0-9 .()-]{8,20}$/, "admin.phoneInvalid").optional().default(""),
  email: z.string().trim().max(200).regex(/^$|^[^\s@]+@[^\s@]+\.[^\s@]+$/, "admin.emailInvalid").optional().default(""),
  handover_date: z.string().regex(/^$|^\d{4}-\d{2}-\d{2}$/).optional().default(""),
});
export type OfficialInput = z.input<typeof officialSchema>;

const rolesSchema = z.array(z.enum(ROLES)).min(1, "admin.rolesRequired");

/** Counts of rows that tie an account to data it produced. */
export async function producedDataCount(db: Db, userId: number): Promise<number> {
  const [a, b, c] = await Promise.all([
    db("submissions").where("created_by", userId).orWhere("updated_by", userId).orWhere("approved_by", userId).count({ n: "*" }),
    db("submission_transitions").where("actor_user_id", userId).count({ n: "*" }),
    db("submission_values").where("updated_by", userId).count({ n: "*" }),
  ]);
  return Number(a[0].n) + Number(b[0].n) + Number(c[0].n);
}

export async function createAccount(
  db: Db,
  config: AppConfig,
  actor: Actor,
  input: { username: string; unitId: number; roles: string[] },
): Promise<{ userId: number; shownPassword: string | null; expiresAt: Date | null }> {
  const username = usernameSchema.parse(input.username);
  const roles = rolesSchema.parse(input.roles);
  const unit = await db("units").where({ id: input.unitId }).first("id", "tier");
  if (!unit) throw new AccountError("admin.unitRequired");
  if (roles.includes("admin") && unit.tier !== "province") throw new AccountError("admin.rolesRequired");
  if (await db("users").where({ username }).first("id")) throw new AccountError("admin.usernameTaken");
  const [row] = await db("users")
    .insert({ username, username_as_issued: username, unit_id: unit.id, roles, password_hash: unusablePasswordHash(), must_change_password: true })
    .returning("id");
  await writeAudit(db, { action: "account.create", actorUserId: actor.userId, actorUsername: actor.username, unitId: unit.id, targetType: "user", targetId: row.id, ip: actor.ip, details: { username, roles } });
  const init = await issueInitialPassword(db, row.id, config, { actor });
  return { userId: row.id, shownPassword: init.mode === "random" ? init.password : null, expiresAt: init.expiresAt };
}

export async function updateRoles(db: Db, actor: Actor, userId: number, roles: string[]): Promise<void> {
  const parsed: Role[] = rolesSchema.parse(roles);
  const user = await db("users as u").join("units as un", "un.id", "u.unit_id").where("u.id", userId).first("u.roles", "un.tier", "u.unit_id");
  if (!user) throw new AccountError("error.notFound");
  if (parsed.includes("admin") && user.tier !== "province") throw new AccountError("admin.rolesRequired");
  await db("users").where({ id: userId }).update({ roles: parsed, updated_at: db.fn.now() });
  await writeAudit(db, { action: "account.roles", actorUserId: actor.userId, actorUsername: actor.username, unitId: user.unit_id, targetType: "user", targetId: userId, ip: actor.ip, details: { from: user.roles, to: parsed } });
}

export async function closeAccount(db: Db, actor: Actor, userId: number, reason: string): Promise<void> {
  if (!reason.trim()) throw new AccountError("admin.reasonRequired");
  if (userId === actor.userId) throw new AccountError("error.forbidden");
  await db.transaction(async (trx) => {
    await trx("users").where({ id: userId }).update({ status: "closed", closed_at: trx.fn.now(), closed_reason: reason.trim().slice(0, 500), updated_at: trx.fn.now() });
    await writeAudit(trx, { action: "account.close", actorUserId: actor.userId, actorUsername: actor.username, targetType: "user", targetId: userId, ip: actor.ip, details: { reason } });
  });
  await invalidateUserSessions(db, userId);
}

export async function reopenAccount(db: Db, actor: Actor, userId: number, reason: string): Promise<void> {
  if (!reason.trim()) throw new AccountError("admin.reasonRequired");
  await db("users").where({ id: userId }).update({ status: "active", closed_at: null, closed_reason: null, failed_attempts: 0, locked_until: null, updated_at: db.fn.now() });
  await writeAudit(db, { action: "account.reopen", actorUserId: actor.userId, actorUsername: actor.username, targetType: "user", targetId: userId, ip: actor.ip, details: { reason } });
}

/** Reset: a new initial password (shared default outside production, random one-time in production); sessions end. */
export async function resetPassword(db: Db, config: AppConfig, actor: Actor, userId: number): Promise<{ shownPassword: string | null; expiresAt: Date | null }> {
  const init = await issueInitialPassword(db, userId, config, { actor });
  await writeAudit(db, { action: "account.reset_password", actorUserId: actor.userId, actorUsername: actor.username, targetType: "user", targetId: userId, ip: actor.ip, details: { mode: init.mode } });
  return { shownPassword: init.mode === "random" ? init.password : null, expiresAt: init.expiresAt };
}

/** Deletion is for mistakes only: refused once the account has produced any data. */
export async function deleteAccount(db: Db, actor: Actor, userId: number): Promise<void> {
  const n = await producedDataCount(db, userId);
  if (n > 0) throw new AccountError("admin.deleteRefused", { n });
  if (userId === actor.userId) throw new AccountError("error.forbidden");
  await db.transaction(async (trx) => {
    const user = await trx("users").where({ id: userId }).first("username", "unit_id");
    if (!user) throw new AccountError("error.notFound");
    await trx("sessions").where({ user_id: userId }).delete();
    await trx("password_history").where({ user_id: userId }).delete();
    await trx("account_officials").where({ user_id: userId }).delete();
    await trx("users").where({ id: userId }).delete();
    await writeAudit(trx, { action: "account.delete", actorUserId: actor.userId, actorUsername: actor.username, unitId: user.unit_id, targetType: "user", targetId: userId, ip: actor.ip, details: { username: user.username } });
  });
}

/** A handover: a new row in the official's history (the previous rows stay). */
export async function recordOfficial(db: Db, actor: Actor, userId: number, input: OfficialInput): Promise<void> {
  const o = officialSchema.parse(input);
  await db("account_officials").insert({
    user_id: userId, full_name: o.full_name, title: o.title || null, department: o.department || null, phone: o.phone || null, email: o.email || null,
    handover_date: o.handover_date || null, recorded_by: actor.userId,
  });
  await writeAudit(db, { action: "account.official", actorUserId: actor.userId, actorUsername: actor.username, targetType: "user", targetId: userId, ip: actor.ip, details: { full_name: o.full_name, title: o.title } });
}
