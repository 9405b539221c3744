import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startEmbeddedPostgres, type PostgresHandle } from "../../app/db/postgres.server.ts";
import { createDb, migrate, type Db } from "../../app/db/knex.server.ts";
import { seedReference } from "../../app/db/seed/reference.ts";
import { startPlatform, type Platform } from "../../app/platform/server.ts";
import { loadConfig } from "../../app/platform/config.server.ts";
import { createLogger } from "../../app/platform/log.ts";
import { configureRateLimits, DEFAULT_RATE_LIMITS } from "../../app/security/rate-limit.server.ts";
import { LEAK_PATTERNS } from "../../app/security/error-handler.server.ts";
import { TEST_DEFAULT_PASSWORD } from "../setup/constants.ts";
import { openDrafts, prepareClerks, signedIn } from "./helpers.ts";

/**
 * Postgres is stopped and started again under a running server with clerks
 * saving: the server recovers by itself (no restart), requests during the
 * outage fail visibly (an error status, no internals shown), and every save
 * that was acknowledged is in the database afterwards.
 */
const CLERKS = 20;
let dir: string;
let port: number;
let pgh: PostgresHandle;
const pgHandle = () => pgh;
let db: Db;
let platform: Platform;

beforeAll(async () => {
  configureRateLimits({ signInPerIp: { capacity: 100_000, refillPerMinute: 100_000 } });
  dir = path.resolve(`tests/.tmp/pgr-${randomBytes(3).toString("hex")}`);
  port = await freePort();
  pgh = await startEmbeddedPostgres({ dataDir: dir, port });
  db = createDb(pgh.url, { max: 4 });
  await migrate(db);
  await seedReference(db, { defaultPassword: TEST_DEFAULT_PASSWORD });
  const config = loadConfig({
    NODE_ENV: "test", PORT: "0", ADMIN_PORT: "0", HOST: "127.0.0.1", DATABASE_URL: pgh.url,
    DATA_DIR: await fs.mkdtemp(path.join(os.tmpdir(), "csdl-pgr-")), SEED_DEMO_DATA: "false", SCHEDULER: "false", LOG_LEVEL: "silent",
  });
  platform = await startPlatform({ config, log: createLogger("silent") });
}, 300_000);

afterAll(async () => {
  configureRateLimits(DEFAULT_RATE_LIMITS);
  await platform?.stop().catch(() => {});
  await db?.destroy().catch(() => {});
  await pgh?.stop().catch(() => {});
  await fs.rm(dir, { recursive: true, force: true });
});

interface Attempt {
  value: number;
  status: number;
  at: number;
}

/** What a clerk's browser learns by reloading the form: the current version (read directly, so a page under construction elsewhere cannot mask recovery). */
async function currentVersion(id: number): Promise<number | null> {
  const c = new pg.Client({ connectionString: pgHandle().url, connectionTimeoutMillis: 1000 });
  try {
    await c.connect();
    const r = await c.query("select version from submissions where id = $1", [id]);
    return r.rows[0]?.version ?? null;
  } catch {
    return null;
  } finally {
    await c.end().catch(() => {});
  }
}

describe("Postgres restart under load", () => {
  it("recovers by itself; acknowledged saves survive; failures are reported", async () => {
    const accounts = (await prepareClerks(db)).slice(0, CLERKS);
    const { periodIds, drafts } = await openDrafts(db, 1, 2070);
    const clerks = await Promise.all(
      accounts.map(async (a, idx) => ({ idx, id: drafts.get(`${a.username}/${periodIds[0]}`)!, client: await signedIn(platform.publicUrl, a.username), version: 1, attempts: [] as Attempt[] })),
    );
    let stopAt = 0;
    let restartedAt = 0;
    let running = true;
    const leaks: string[] = [];
    const load = Promise.all(
      clerks.map(async (c) => {
        let n = 0;
        let stale = false;
        while (running) {
          if (stale) {
            const v = await currentVersion(c.id);
            if (v === null) {
              await new Promise((r) => setTimeout(r, 200));
              continue;
            }
            c.version = v;
            stale = false;
          }
          const value = c.idx * 1_000_000 + ++n;
          const res = await c.client.post(`/submissions/${c.id}/edit`, { intent: "save", version: String(c.version), "c:HH:00:T": String(value) }).catch(() => null);
          const status = res?.status ?? 0;
          const m = /saved=(\d+)/.exec(res?.headers.get("location") ?? "");
          c.attempts.push({ value, status: m ? 302 : status || 599, at: Date.now() });
          if (res && !m) {
            const body = await res.text();
            for (const p of LEAK_PATTERNS) if (p.test(body)) leaks.push(`${status}: ${p} in ${body.slice(0, 200)}`);
          } else await res?.arrayBuffer();
          if (m) c.version = Number(m[1]);
          else {
            stale = true;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 2000));
    stopAt = Date.now();
    await pgh.stop();
    await new Promise((r) => setTimeout(r, 2500));
    pgh = await startEmbeddedPostgres({ dataDir: dir, port });
    restartedAt = Date.now();
    await new Promise((r) => setTimeout(r, 6000));
    running = false;
    await load;

    const all = clerks.flatMap((c) => c.attempts);
    if (process.env.PGR_DEBUG) {
      const buckets = new Map<number, string[]>();
      for (const a of all) buckets.set(Math.floor((a.at - restartedAt) / 1000), [...(buckets.get(Math.floor((a.at - restartedAt) / 1000)) ?? []), String(a.status)]);
      console.info([...buckets].sort((x, y) => x[0] - y[0]).map(([k, v]) => `${k}s: ${v.length} (${[...new Set(v)]})`).join("\n"));
    }
    const during = all.filter((a) => a.at > stopAt && a.at < restartedAt);
    const failedDuring = during.filter((a) => a.status !== 302);
    console.info(`[pg-restart] ${all.length} saves; during the outage ${failedDuring.length}/${during.length} failed visibly; statuses ${[...new Set(all.map((a) => a.status))].join(",")}`);
    expect(failedDuring.length).toBeGreaterThan(0);
    expect(failedDuring.every((a) => a.status >= 500)).toBe(true);
    expect(leaks).toEqual([]);

    // recovered by itself: every clerk's last attempts succeed after the restart
    for (const c of clerks) {
      const after = c.attempts.filter((a) => a.at > restartedAt + 3000);
      expect(after.length, `clerk ${c.idx} made no attempt after recovery`).toBeGreaterThan(0);
      expect(after.slice(-3).every((a) => a.status === 302), `clerk ${c.idx}: ${JSON.stringify(after.slice(-5))}`).toBe(true);
    }

    // nothing acknowledged is lost: the stored value is the last acknowledged one,
    // or one whose request came later and reported a failure (committed, reply lost)
    const check = createDb(pgh.url, { max: 2 });
    try {
      const hh = (await check("indicators").where({ code: "HH" }).first("id")).id;
      for (const c of clerks) {
        const row = await check("submission_values").where({ submission_id: c.id, indicator_id: hh, ethnicity_code: "00", sex: "T" }).first("value");
        const acked = c.attempts.filter((a) => a.status === 302);
        const lastAck = acked[acked.length - 1];
        const later = c.attempts.slice(c.attempts.indexOf(lastAck) + 1).map((a) => a.value);
        expect([lastAck.value, ...later], `clerk ${c.idx}`).toContain(row.value);
        const sub = await check("submissions").where({ id: c.id }).first("version");
        expect(sub.version).toBeGreaterThanOrEqual(1 + acked.length);
      }
    } finally {
      await check.destroy();
    }
  }, 300_000);
});
