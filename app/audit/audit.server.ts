import type { Knex } from "knex";

/**
 * Append one line to the tamper-evident audit trail. The database computes the
 * hash chain (trigger in migration 001) and refuses UPDATE/DELETE/TRUNCATE.
 * Pass a transaction to make the audit line part of the change it records.
 */
export interface AuditEntry {
  actorUserId?: number | null;
  actorUsername?: string | null;
  unitId?: number | null;
  action: string;
  targetType?: string | null;
  targetId?: string | number | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

/** Who did it: the signed-in user of an action (modules that audit take this). */
export interface AuditActor {
  userId: number;
  username: string;
  unitId: number;
  ip?: string | null;
}

export async function writeAudit(db: Knex | Knex.Transaction, e: AuditEntry): Promise<void> {
  await db("audit_log").insert({
    actor_user_id: e.actorUserId ?? null,
    actor_username: e.actorUsername ?? null,
    unit_id: e.unitId ?? null,
    action: e.action,
    target_type: e.targetType ?? null,
    target_id: e.targetId === undefined || e.targetId === null ? null : String(e.targetId),
    ip: e.ip ?? null,
    details: JSON.stringify(e.details ?? {}),
    prev_hash: "",
    hash: "",
  });
}

/** Actions written by the foundation (other modules add their own, dotted by area). */
export const AUTH_ACTIONS = {
  loginSuccess: "auth.login",
  loginFailure: "auth.login_failed",
  locked: "auth.locked",
  logout: "auth.logout",
  passwordChanged: "auth.password_changed",
  sessionExpired: "auth.session_expired",
} as const;
