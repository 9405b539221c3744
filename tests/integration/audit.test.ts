import { afterEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../setup/db.ts";
import { writeAudit } from "../../app/audit/audit.server.ts";
import { auditHash, verifyAuditChain } from "../../app/audit/verify.ts";
import { parseAuditQuery, searchAudit } from "../../app/audit/search.server.ts";
import { buildScope } from "../../app/scope/scope.ts";

/**
 * The audit trail is append-only for the application and tamper-evident for
 * anyone who bypasses that (a superuser disabling the triggers): the verifier
 * points at the first broken link.
 */
const open: TestDb[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.drop();
});

async function withEntries(n = 12) {
  const t = await createTestDb();
  open.push(t);
  const unit = await t.db("units").where({ tier: "commune" }).first();
  for (let i = 0; i < n; i++) {
    await writeAudit(t.db, { action: i % 2 ? "test.even" : "test.odd", actorUsername: `user${i % 3}`, unitId: unit.id, targetType: "x", targetId: i, details: { i, text: "Cao Bằng\n\"q\"" } });
  }
  const ids: number[] = await t.db("audit_log").orderBy("id").pluck("id");
  return { t, ids, unit };
}

/** What a superuser attacker can do: switch the append-only trigger off around a change. */
async function asSuperuser(t: TestDb, sql: string, bindings: unknown[] = []) {
  await t.db.transaction(async (trx) => {
    await trx.raw("alter table audit_log disable trigger audit_log_append_only");
    await trx.raw(sql, bindings as never);
    await trx.raw("alter table audit_log enable trigger audit_log_append_only");
  });
}

describe("audit chain", () => {
  it("verifies an intact chain, recomputing the trigger's hash in Node", async () => {
    const { t, ids } = await withEntries();
    const r = await verifyAuditChain(t.db);
    expect(r.ok).toBe(true);
    expect(r.checked).toBe(ids.length);
    expect(r.head?.id).toBe(ids[ids.length - 1]);
    expect(r.firstBroken).toBeNull();
  });

  it("refuses UPDATE, DELETE and TRUNCATE through the application connection", async () => {
    const { t, ids } = await withEntries(3);
    await expect(t.db("audit_log").where({ id: ids[0] }).update({ action: "forged" })).rejects.toThrow(/append-only/);
    await expect(t.db("audit_log").where({ id: ids[0] }).delete()).rejects.toThrow(/append-only/);
    await expect(t.db.raw("truncate audit_log")).rejects.toThrow(/append-only/);
    // a forged hash on insert is replaced by the chain trigger
    await t.db("audit_log").insert({ action: "test.forge", details: "{}", prev_hash: "f".repeat(64), hash: "f".repeat(64) });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it("detects an edited row at its id", async () => {
    const { t, ids } = await withEntries();
    const victim = ids[5];
    await asSuperuser(t, "update audit_log set details = jsonb_set(details, '{i}', '99') where id = ?", [victim]);
    const r = await verifyAuditChain(t.db);
    expect(r.ok).toBe(false);
    expect(r.firstBroken).toMatchObject({ id: victim, problem: "hash_mismatch" });
  });

  it("detects an edited row whose hash was recomputed, at the next link", async () => {
    const { t, ids } = await withEntries();
    const victim = ids[4];
    await asSuperuser(
      t,
      `update audit_log set actor_username = 'someone_else',
         hash = encode(sha256(convert_to(audit_log_payload(prev_hash, id, at, actor_user_id, 'someone_else', unit_id, action, target_type, target_id, details), 'UTF8')), 'hex')
       where id = ?`,
      [victim],
    );
    const r = await verifyAuditChain(t.db);
    expect(r.firstBroken).toMatchObject({ id: ids[5], problem: "prev_mismatch" });
  });

  it("detects a deleted row in the middle", async () => {
    const { t, ids } = await withEntries();
    await asSuperuser(t, "delete from audit_log where id = ?", [ids[7]]);
    const r = await verifyAuditChain(t.db);
    expect(r.firstBroken).toMatchObject({ id: ids[8], problem: "prev_mismatch" });
  });

  it("detects removal of the newest rows against a recorded anchor", async () => {
    const { t, ids } = await withEntries();
    const head = await t.db("audit_log").orderBy("id", "desc").first("id", "hash");
    await t.db("backup_runs").insert({ kind: "backup", status: "ok", details: JSON.stringify({ auditHead: { id: head.id, hash: head.hash } }) });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
    await asSuperuser(t, "delete from audit_log where id >= ?", [ids[10]]);
    const r = await verifyAuditChain(t.db);
    expect(r.firstBroken).toMatchObject({ id: head.id, problem: "anchor_missing" });
  });

  it("matches the database's own hash function byte for byte", async () => {
    const { t } = await withEntries(2);
    const r = (
      await t.db.raw(`select id, prev_hash, hash, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at_txt,
        actor_user_id, actor_username, unit_id, action, target_type, target_id, details::text as details_txt from audit_log order by id desc limit 1`)
    ).rows[0];
    expect(auditHash(r)).toBe(r.hash);
  });
});

describe("audit search", () => {
  it("filters by user, action, unit subtree and time, and pages by id", async () => {
    const { t, ids, unit } = await withEntries(12);
    const province = await t.db("units").where({ tier: "province" }).first();
    const admin = buildScope({ userId: 1, username: "admin", unitId: province.id, unitPath: province.path, tier: "province", roles: ["admin"], sectorDomains: [] });
    const q = (s: string) => parseAuditQuery(new URLSearchParams(s)).query;

    const byUser = await searchAudit(t.db, admin, q("user=user1"));
    expect(byUser.rows.length).toBe(4);
    expect(byUser.rows.every((r) => r.actorUsername === "user1")).toBe(true);

    const byAction = await searchAudit(t.db, admin, q("action=test.even"));
    expect(byAction.rows.length).toBe(6);

    const district = await t.db("units").where({ id: unit.parent_id }).first();
    const byUnit = await searchAudit(t.db, admin, q(`unitId=${district.id}`));
    expect(byUnit.rows.length).toBe(12);
    const other = await t.db("units").where({ tier: "district" }).whereNot({ id: district.id }).first();
    expect((await searchAudit(t.db, admin, q(`unitId=${other.id}`))).rows.length).toBe(0);

    const today = new Date().toLocaleDateString("sv-SE", { timeZone: "Asia/Ho_Chi_Minh" });
    expect((await searchAudit(t.db, admin, q(`from=${today}&to=${today}&action=test.`))).rows.length).toBe(12);
    expect((await searchAudit(t.db, admin, q(`to=2000-01-01`))).rows.length).toBe(0);

    const p1 = await searchAudit(t.db, admin, q("action=test.&pageSize=5"));
    expect(p1.rows.map((r) => r.id)).toEqual([...ids].reverse().slice(0, 5));
    const p2 = await searchAudit(t.db, admin, q(`action=test.&pageSize=5&before=${p1.nextBefore}`));
    expect(p2.rows.map((r) => r.id)).toEqual([...ids].reverse().slice(5, 10));
    const p3 = await searchAudit(t.db, admin, q(`action=test.&pageSize=5&before=${p2.nextBefore}`));
    expect(p3.rows.length).toBe(2);
    expect(p3.nextBefore).toBeNull();

    // a LIKE wildcard in the input is literal, bad fields are reported, not thrown
    expect((await searchAudit(t.db, admin, q("user=%"))).rows.length).toBe(0);
    expect(parseAuditQuery(new URLSearchParams("from=yesterday&unitId=abc")).errors.sort()).toEqual(["from", "unitId"]);

    // a commune-level scope sees only its own subtree
    const communeScope = buildScope({ userId: 2, username: "x", unitId: other.id, unitPath: other.path, tier: "district", roles: ["admin"], sectorDomains: [] });
    expect((await searchAudit(t.db, communeScope, q("action=test."))).rows.length).toBe(0);
  });
});
