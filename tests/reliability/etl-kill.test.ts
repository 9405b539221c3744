import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../setup/db.ts";
import { openWarehouse, type WarehouseService } from "../../warehouse/service.ts";
import { createEtlRunner } from "../../etl/runner.ts";
import { approve, createSubmission, setupFixture, warehouseSnapshot, type Fixture } from "../fixtures/etl-fixture.ts";
import { knobs } from "./helpers.ts";

/**
 * The ETL process is SIGKILLed at random points of its run, N times (default
 * 20), with new approvals between runs: after every kill the warehouse is
 * exactly the previous complete state or the new complete state (a clean
 * full rebuild of the current Postgres), never a mix; after a final run it
 * equals a clean rebuild.
 */
let t: TestDb;
let dir: string;
let fx: Fixture;
let whPath: string;

const snapshot = (w: WarehouseService) => warehouseSnapshot(w);
type Snap = Awaited<ReturnType<typeof snapshot>>;

async function cleanBuild(): Promise<Snap> {
  const wh = await openWarehouse({ path: ":memory:" });
  try {
    const r = await createEtlRunner({ db: t.db, warehouse: wh }).run({ mode: "full", trigger: "test", waitMs: 30_000 });
    expect(r.status).toBe("succeeded");
    return await snapshot(wh);
  } finally {
    await wh.close();
  }
}

async function readFile(): Promise<Snap> {
  const wh = await openWarehouse({ path: whPath });
  try {
    return await snapshot(wh);
  } finally {
    await wh.close();
  }
}

/** Run the child; kill it `killAfterMs` after it announces START (null = let it finish). Returns its run time or null. */
function runChild(killAfterMs: number | null): Promise<{ finished: boolean; ms: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve("tests/reliability/etl-kill-child.ts")], {
      env: { ...process.env, CHILD_DATABASE_URL: t.url, CHILD_WAREHOUSE: whPath },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stderr.on("data", (d) => (err += String(d)));
    child.stdout.on("data", (d) => {
      out += String(d);
      if (killAfterMs !== null && out.includes("START") && !child.killed) {
        setTimeout(() => child.kill("SIGKILL"), killAfterMs);
      }
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`child hung: ${out} ${err}`));
    }, 120_000);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      const m = /DONE (\d+) (\w+)/.exec(out);
      if (signal === "SIGKILL") return resolve({ finished: !!m, ms: m ? Number(m[1]) : null });
      if (code !== 0) return reject(new Error(`child failed (${code}): ${out} ${err.slice(-2000)}`));
      resolve({ finished: true, ms: m ? Number(m[1]) : null });
    });
  });
}

const poverty = (k: number) => ({
  HH_REVIEWED: { "00": 40 + k * 2, "02": 20 + k * 2, "03": 20 },
  HH_POOR: { "00": 10 + k, "02": 5 + k, "03": 5 },
  HH_NEAR_POOR: { "00": 1 },
});

beforeAll(async () => {
  t = await createTestDb();
  dir = mkdtempSync(path.join(os.tmpdir(), "etl-kill-"));
  whPath = path.join(dir, "wh.duckdb");
  fx = await setupFixture(t.db);
  for (const d of fx.districts) for (const c of d.communes) await approve(t.db, await createSubmission(t.db, fx, c.id, "BM02-NGHEO", poverty(c.id % 7)));
}, 120_000);

afterAll(async () => {
  await t?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe(`ETL SIGKILLed at random points (${knobs.etlKills}×)`, () => {
  it("the warehouse is always the previous or the new complete state; the final one equals a clean rebuild", async () => {
    const first = await runChild(null);
    expect(first.finished).toBe(true);
    const runMs = Math.max(20, first.ms ?? 200);
    let previous = await readFile();
    expect(previous).toEqual(await cleanBuild());
    const used = new Set(fx.districts.flatMap((d) => d.communes.map((c) => c.id)));
    const spare = (await t.db("units").where({ tier: "commune" }).whereNull("valid_to").orderBy("id").select("id")).filter((u) => !used.has(u.id));
    let sawPrevious = 0;
    let sawNew = 0;
    for (let i = 0; i < knobs.etlKills; i++) {
      // something new to load: one more approved commune
      await approve(t.db, await createSubmission(t.db, fx, spare[i].id, "BM02-NGHEO", poverty(i)));
      const next = await cleanBuild();
      const killAt = Math.floor(Math.random() * runMs * 1.5);
      await runChild(killAt);
      const now = await readFile();
      const isPrevious = JSON.stringify(now) === JSON.stringify(previous);
      const isNew = JSON.stringify(now) === JSON.stringify(next);
      expect(isPrevious || isNew, `kill ${i} at ${killAt} ms: the warehouse is neither the previous nor the new state`).toBe(true);
      if (isNew) sawNew++;
      else sawPrevious++;
      previous = now;
    }
    // a final uninterrupted run: equal to a clean rebuild
    expect((await runChild(null)).finished).toBe(true);
    expect(await readFile()).toEqual(await cleanBuild());
    const dead = await t.db("etl_runs").whereIn("status", ["running", "failed"]).count({ n: "*" });
    console.info(`[etl-kill] ${knobs.etlKills} kills (run ≈ ${runMs} ms): ${sawPrevious} left the previous state, ${sawNew} had committed the new one; ${dead[0].n} runs recorded as interrupted/failed`);
  }, 600_000);
});
