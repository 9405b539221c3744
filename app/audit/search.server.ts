import type { Knex } from "knex";
import { z } from "zod";
import type { Scope } from "../scope/scope.ts";

/**
 * Search the audit trail by user, unit, action and time range, newest first,
 * paged by id (keyset: stable while new lines arrive). Admins at the province
 * see everything; the unit filter includes the unit's subtree.
 */
export const auditQuerySchema = z.object({
  user: z.string().trim().max(100).optional(),
  unitId: z.coerce.number().int().positive().optional(),
  action: z.string().trim().max(100).optional(),
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  before: z.coerce.number().int().positive().optional(), // page: entries with id < before
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export type AuditQuery = z.infer<typeof auditQuerySchema>;

export interface AuditRow {
  id: number;
  at: string;
  actorUserId: number | null;
  actorUsername: string | null;
  unitId: number | null;
  unitName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  details: unknown;
  hash: string;
}

/** Parse URL search params leniently: empty fields are absent; a bad field is reported, not thrown. */
export function parseAuditQuery(params: URLSearchParams): { query: AuditQuery; errors: string[] } {
  // control characters (NUL is refused by Postgres text) are dropped from every field
  const raw = Object.fromEntries([...params.entries()].map(([k, v]) => [k, v.replace(/[\u0000-\u001f\u007f]/g, "")]).filter(([, v]) => v.trim() !== ""));
  const r = auditQuerySchema.safeParse(raw);
  if (r.success) return { query: r.data, errors: [] };
  const bad = new Set(r.error.issues.map((i) => String(i.path[0])));
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([k]) => !bad.has(k)));
  return { query: auditQuerySchema.parse(cleaned), errors: [...bad] };
}

export async function searchAudit(db: Knex, scope: Scope, q: AuditQuery): Promise<{ rows: AuditRow[]; nextBefore: number | null }> {
  const query = db("audit_log as a").leftJoin("units as u", "u.id", "a.unit_id");
  // Scope: a grant without a domain restriction over a path prefix; the province admin holds "/1/".
  const prefixes = scope.grants.filter((g) => g.domains === null).map((g) => g.pathPrefix);
  const everything = prefixes.some((p) => p.split("/").filter(Boolean).length <= 1);
  if (!everything) {
    if (!prefixes.length) return { rows: [], nextBefore: null };
    query.where((w) => {
      for (const p of prefixes) w.orWhereRaw("u.path like ? escape '\\'", [`${escapeLike(p)}%`]);
    });
  }
  if (q.user) query.whereRaw("a.actor_username ilike ? escape '\\'", [`%${escapeLike(q.user.toLowerCase())}%`]);
  if (q.unitId) {
    const unit = await db("units").where({ id: q.unitId }).first("path");
    if (!unit) return { rows: [], nextBefore: null };
    query.whereRaw("u.path like ? escape '\\'", [`${escapeLike(unit.path)}%`]);
  }
  if (q.action) query.whereRaw("a.action like ? escape '\\'", [`${escapeLike(q.action)}%`]);
  if (q.from) query.where("a.at", ">=", db.raw("(?::date)::timestamp at time zone 'Asia/Ho_Chi_Minh'", [q.from]));
  if (q.to) query.where("a.at", "<", db.raw("((?::date) + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh'", [q.to]));
  if (q.before) query.where("a.id", "<", q.before);
  const rows = await query
    .orderBy("a.id", "desc")
    .limit(q.pageSize + 1)
    .select("a.id", "a.at", "a.actor_user_id", "a.actor_username", "a.unit_id", "u.name as unit_name", "a.action", "a.target_type", "a.target_id", "a.ip", "a.details", "a.hash");
  const page = rows.slice(0, q.pageSize);
  return {
    rows: page.map((r) => ({
      id: r.id, at: new Date(r.at).toISOString(), actorUserId: r.actor_user_id, actorUsername: r.actor_username, unitId: r.unit_id,
      unitName: r.unit_name, action: r.action, targetType: r.target_type, targetId: r.target_id, ip: r.ip, details: r.details, hash: r.hash,
    })),
    nextBefore: rows.length > q.pageSize ? page[page.length - 1].id : null,
  };
}

/** The distinct actions recorded so far (for the filter's list). */
export async function auditActions(db: Knex): Promise<string[]> {
  const r = await db("audit_log").distinct("action").orderBy("action");
  return r.map((x: { action: string }) => x.action);
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
