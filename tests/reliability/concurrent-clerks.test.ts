import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../setup/server.ts";
import type { TestClient } from "../setup/http.ts";
import { configureRateLimits, DEFAULT_RATE_LIMITS } from "../../app/security/rate-limit.server.ts";
import { verifyAuditChain } from "../../app/audit/verify.ts";
import { knobs, openDrafts, percentile, pool, prepareClerks, signedIn, validEntry } from "./helpers.ts";

/**
 * N concurrent clerks (default 200) save drafts against one server for a
 * bounded time, then submit: no error responses, no lost or duplicated
 * values (every acknowledged save is in the database, versions count the
 * saves exactly), the audit chain stays intact under concurrent writers,
 * p95 save latency reported.
 */
let s: TestServer;
interface Clerk {
  username: string;
  submissionId: number;
  client: TestClient;
  version: number;
  saves: number;
  lastHh: number;
}
const clerks: Clerk[] = [];

beforeAll(async () => {
  configureRateLimits({ signInPerIp: { capacity: 100_000, refillPerMinute: 100_000 } });
  s = await startTestServer();
  const accounts = await prepareClerks(s.db);
  const periodsNeeded = Math.ceil(knobs.clerks / accounts.length);
  const { periodIds, drafts } = await openDrafts(s.db, periodsNeeded);
  const plan = Array.from({ length: knobs.clerks }, (_, i) => ({ username: accounts[i % accounts.length].username, periodId: periodIds[Math.floor(i / accounts.length)] }));
  await pool(plan, 16, async (p) => {
    const client = await signedIn(s.baseUrl, p.username);
    clerks.push({ username: p.username, submissionId: drafts.get(`${p.username}/${p.periodId}`)!, client, version: 1, saves: 0, lastHh: 0 });
  });
}, 600_000);

afterAll(async () => {
  configureRateLimits(DEFAULT_RATE_LIMITS);
  await s?.stop();
});

describe(`${knobs.clerks} concurrent clerks`, () => {
  it("save for a bounded time and submit without errors, lost or duplicated values", async () => {
    expect(clerks.length).toBe(knobs.clerks);
    const latencies: number[] = [];
    const failures: string[] = [];
    const until = Date.now() + knobs.loadSeconds * 1000;
    await Promise.all(
      clerks.map(async (c, idx) => {
        while (Date.now() < until) {
          const hh = idx * 100_000 + c.saves + 1;
          const t0 = performance.now();
          const r = await c.client.post(`/submissions/${c.submissionId}/edit`, { intent: "save", version: String(c.version), "c:HH:00:T": String(hh) });
          latencies.push(performance.now() - t0);
          const loc = r.headers.get("location") ?? "";
          const m = /saved=(\d+)/.exec(loc);
          if (r.status !== 302 || !m) {
            failures.push(`${c.username}#${c.submissionId}: ${r.status} ${loc} ${(await r.text()).slice(0, 200)}`);
            return;
          }
          await r.arrayBuffer().catch(() => {});
          c.version = Number(m[1]);
          c.saves++;
          c.lastHh = hh;
        }
      }),
    );
    const p50 = percentile(latencies, 50);
    const p95 = percentile(latencies, 95);
    console.info(
      `[reliability] ${clerks.length} clerks × ${knobs.loadSeconds}s: ${latencies.length} saves, ${(latencies.length / knobs.loadSeconds).toFixed(1)}/s, p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`,
    );
    expect(failures).toEqual([]);
    expect(clerks.every((c) => c.saves > 0)).toBe(true);

    // every acknowledged save is there: the last value, and a version that counts the saves exactly
    const ids = clerks.map((c) => c.submissionId);
    const subs = new Map((await s.db("submissions").whereIn("id", ids).select("id", "version", "status")).map((r) => [r.id, r]));
    const hhId = (await s.db("indicators").where({ code: "HH" }).first("id")).id;
    const vals = new Map(
      (await s.db("submission_values").whereIn("submission_id", ids).where({ indicator_id: hhId, ethnicity_code: "00", sex: "T" }).select("submission_id", "value")).map((r) => [r.submission_id, r.value]),
    );
    for (const c of clerks) {
      expect(subs.get(c.submissionId)).toMatchObject({ version: 1 + c.saves, status: "draft" });
      expect(vals.get(c.submissionId)).toBe(c.lastHh);
    }
    // one audit line per acknowledged save, and a chain that still verifies
    const audited = await s.db("audit_log").where({ action: "forms.values_changed" }).whereIn("target_id", ids.map(String)).count({ n: "*" });
    expect(Number(audited[0].n)).toBe(clerks.reduce((n, c) => n + c.saves, 0));

    // everyone submits a complete, valid form
    const submitLat: number[] = [];
    await Promise.all(
      clerks.map(async (c, idx) => {
        const raw = Object.fromEntries(Object.entries(validEntry(idx)).map(([k, v]) => [`c:${k}`, v]));
        const t0 = performance.now();
        const r = await c.client.post(`/submissions/${c.submissionId}/edit`, { intent: "submit", version: String(c.version), ...raw });
        submitLat.push(performance.now() - t0);
        if (r.status !== 302 || !/submitted=1/.test(r.headers.get("location") ?? "")) failures.push(`submit ${c.username}: ${r.status} ${(await r.text()).slice(0, 300)}`);
      }),
    );
    console.info(`[reliability] ${clerks.length} submissions: p95 ${percentile(submitLat, 95).toFixed(0)} ms`);
    expect(failures).toEqual([]);
    const after = await s.db("submissions").whereIn("id", ids).select("id", "status", "version");
    expect(after.every((r) => r.status === "submitted")).toBe(true);
    const popId = (await s.db("indicators").where({ code: "POP" }).first("id")).id;
    for (const [idx, c] of clerks.entries()) {
      const rows = await s.db("submission_values").where({ submission_id: c.submissionId, indicator_id: popId, ethnicity_code: "02", sex: "M" }).select("value");
      expect(rows).toEqual([{ value: 500 + idx }]); // exactly one row, this clerk's value
    }
    const transitions = await s.db("submission_transitions").whereIn("submission_id", ids).where({ to_status: "submitted" }).count({ n: "*" });
    expect(Number(transitions[0].n)).toBe(clerks.length);
    const chain = await verifyAuditChain(s.db);
    expect(chain.ok).toBe(true);
  }, 600_000);
});
