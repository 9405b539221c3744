import { createHash } from "node:crypto";
import type { Knex } from "knex";

/**
 * Recompute the audit hash chain (migration 001) and point at the first broken
 * link. The hash is recomputed here in Node from the stored columns — the
 * database only renders the timestamp and the jsonb as text, exactly as the
 * trigger's audit_log_payload() does — so a replaced SQL function cannot
 * vouch for itself:
 *   hash = sha256(prev | id | at(UTC, µs) | actor | actor name | unit | action | target type | target id | details)
 * Each row's prev_hash must equal the previous row's hash (the first row's is
 * 64 zeros). A deleted or inserted row breaks the link of the row after it;
 * an edited row breaks its own hash. Deleting the newest rows leaves no gap,
 * so the heads recorded by backups (backup_runs.details.auditHead) are
 * checked as anchors: each must still be in the chain with the same hash.
 */
export type ChainProblem = "hash_mismatch" | "prev_mismatch" | "anchor_missing" | "anchor_mismatch";

export interface ChainBreak {
  id: number;
  problem: ChainProblem;
  expected: string;
  actual: string;
}

export interface ChainReport {
  ok: boolean;
  checked: number;
  head: { id: number; hash: string } | null;
  firstBroken: ChainBreak | null;
  anchorsChecked: number;
  durationMs: number;
}

const GENESIS = "0".repeat(64);
const BATCH = 5000;

interface Row {
  id: number;
  prev_hash: string;
  hash: string;
  at_txt: string;
  actor_user_id: number | null;
  actor_username: string | null;
  unit_id: number | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details_txt: string;
}

export function auditPayload(r: Omit<Row, "hash">): string {
  return [
    r.prev_hash, String(r.id), r.at_txt, r.actor_user_id === null ? "" : String(r.actor_user_id), r.actor_username ?? "",
    r.unit_id === null ? "" : String(r.unit_id), r.action, r.target_type ?? "", r.target_id ?? "", r.details_txt,
  ].join("|");
}

export function auditHash(r: Omit<Row, "hash">): string {
  return createHash("sha256").update(auditPayload(r), "utf8").digest("hex");
}

export async function verifyAuditChain(db: Knex, opts: { anchors?: { id: number; hash: string }[] } = {}): Promise<ChainReport> {
  const t0 = Date.now();
  let prev = GENESIS;
  let last = 0;
  let checked = 0;
  let head: ChainReport["head"] = null;
  let firstBroken: ChainBreak | null = null;
  const anchors = opts.anchors ?? (await recordedAnchors(db));
  const anchorById = new Map(anchors.map((a) => [a.id, a.hash]));
  const seenAnchors = new Set<number>();
  for (;;) {
    const rows: Row[] = (
      await db.raw(
        `select id, prev_hash, hash,
                to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at_txt,
                actor_user_id, actor_username, unit_id, action, target_type, target_id, details::text as details_txt
           from audit_log where id > ? order by id limit ?`,
        [last, BATCH],
      )
    ).rows;
    if (!rows.length) break;
    for (const r of rows) {
      checked++;
      if (!firstBroken && r.prev_hash !== prev) firstBroken = { id: r.id, problem: "prev_mismatch", expected: prev, actual: r.prev_hash };
      const h = auditHash(r);
      if (!firstBroken && h !== r.hash) firstBroken = { id: r.id, problem: "hash_mismatch", expected: h, actual: r.hash };
      const a = anchorById.get(r.id);
      if (a !== undefined) {
        seenAnchors.add(r.id);
        if (!firstBroken && a !== r.hash) firstBroken = { id: r.id, problem: "anchor_mismatch", expected: a, actual: r.hash };
      }
      prev = r.hash;
      last = r.id;
      head = { id: r.id, hash: r.hash };
    }
  }
  if (!firstBroken) {
    const lost = anchors.filter((a) => !seenAnchors.has(a.id)).sort((x, y) => x.id - y.id)[0];
    if (lost) firstBroken = { id: lost.id, problem: "anchor_missing", expected: lost.hash, actual: "" };
  }
  return { ok: !firstBroken, checked, head, firstBroken, anchorsChecked: anchors.length, durationMs: Date.now() - t0 };
}

/** Chain heads recorded by successful backups of this database. */
async function recordedAnchors(db: Knex): Promise<{ id: number; hash: string }[]> {
  const has = await db.schema.hasTable("backup_runs");
  if (!has) return [];
  const rows = await db("backup_runs")
    .where({ kind: "backup", status: "ok" })
    .whereRaw("details->'auditHead' is not null")
    .orderBy("id", "desc")
    .limit(50)
    .select(db.raw("details->'auditHead' as head"));
  return rows
    .map((r: { head: { id?: unknown; hash?: unknown } | null }) => r.head)
    .filter((h): h is { id: number; hash: string } => !!h && typeof h.id === "number" && typeof h.hash === "string");
}
