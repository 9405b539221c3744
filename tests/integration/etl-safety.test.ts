import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../setup/db.ts";
import { openWarehouse, type WarehouseService } from "../../warehouse/service.ts";
import { createEtlRunner } from "../../etl/runner.ts";
import { acquireEtlLock } from "../../etl/lock.ts";
import { CheckFailedError, EtlBusyError, InjectedFailure } from "../../etl/errors.ts";
import { approve, createSubmission, setStatus, setupFixture, warehouseSnapshot, type Fixture } from "../fixtures/etl-fixture.ts";

let t: TestDb;
let dir: string;
let fx: Fixture;
let whPath: string;

const snapshot = (w: WarehouseService) => warehouseSnapshot(w, { state: true });

const poverty = (total: number, g2: number, g3: number) => ({
  HH_REVIEWED: { "00": total * 2, "02": g2 * 2, "03": g3 * 2 },
  HH_POOR: { "00": total, "02": g2, "03": g3 },
  HH_NEAR_POOR: { "00": 1 },
});

beforeAll(async () => {
  t = await createTestDb();
  dir = mkdtempSync(path.join(os.tmpdir(), "etl-safety-"));
  whPath = path.join(dir, "wh.duckdb");
  fx = await setupFixture(t.db);
  for (const d of fx.districts)
    for (const c of d.communes) await approve(t.db, await createSubmission(t.db, fx, c.id, "BM02-NGHEO", poverty(30, 20, 10)));
  const wh = await openWarehouse({ path: whPath });
  const s = await createEtlRunner({ db: t.db, warehouse: wh }).run({ trigger: "test" });
  expect(s.status).toBe("succeeded");
  await wh.close();
});
afterAll(async () => {
  await t?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("crash safety", () => {
  it("a failure after some batches leaves the previous warehouse readable and unchanged; the next run succeeds", async () => {
    const wh = await openWarehouse({ path: whPath });
    try {
      const etl = createEtlRunner({ db: t.db, warehouse: wh });
      const before = await snapshot(wh);
      const ds = await t.db("units").where({ tier: "commune" }).whereNotIn("id", fx.districts.flatMap((d) => d.communes.map((c) => c.id))).limit(1).select("id");
      await approve(t.db, await createSubmission(t.db, fx, ds[0]!.id, "BM02-NGHEO", poverty(9, 5, 4)));

      for (const mode of ["full", "incremental"] as const) {
        const err = await etl.run({ mode, trigger: "test", batchRows: 2, failAfterBatches: 2 }).catch((e) => e);
        expect(err).toBeInstanceOf(InjectedFailure);
        expect(await snapshot(wh)).toEqual(before);
        const run = await t.db("etl_runs").orderBy("id", "desc").first();
        expect(run).toMatchObject({ status: "failed", mode });
        expect(run.error).toMatch(/injected failure/);
      }
      const ok = await etl.run({ trigger: "test" });
      expect(ok).toMatchObject({ status: "succeeded", submissionsChanged: 1, factsWritten: 7 });
    } finally {
      await wh.close();
    }
  });

  it.each(["facts", "derive"])("a run killed with SIGKILL mid-load (%s) leaves the previous state; the next run completes, drops the dead run's build tables and records the dead run", async (killAt) => {
    let wh = await openWarehouse({ path: whPath });
    const before = await snapshot(wh);
    await wh.close(); // one process per file: the child takes it
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve("tests/fixtures/etl-crash-child.ts")], {
      env: { ...process.env, CHILD_DATABASE_URL: t.url, CHILD_WAREHOUSE: whPath, CHILD_KILL_AT: killAt },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let errOut = "";
    child.stderr.on("data", (d) => (errOut += String(d)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child never reached mid-load: ${out} ${errOut}`)), 60_000);
      child.stdout.on("data", (d) => {
        out += String(d);
        if (out.includes("MID")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on("exit", () => reject(new Error(`child exited early: ${out} ${errOut}`)));
    });
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
    expect(out).not.toContain("FINISHED");

    wh = await openWarehouse({ path: whPath });
    try {
      expect(await snapshot(wh)).toEqual(before);
      const buildTables = async () =>
        (await wh.all("select table_name, estimated_size from duckdb_tables() where table_name like '%\\_\\_build' escape '\\' order by 1")).map((r) => String(r.table_name));
      // killed while writing ranges: the build holds committed rows the live tables never saw
      if (killAt === "derive") {
        expect(await buildTables()).toContain("fact_indicator_value__build");
        expect(Number((await wh.all("select count(*)::integer as n from fact_indicator_value__build"))[0]!.n)).toBeGreaterThan(0);
      }
      const dead = await t.db("etl_runs").orderBy("id", "desc").first();
      expect(dead.status).toBe("running");
      const next = await createEtlRunner({ db: t.db, warehouse: wh }).run({ mode: "full", trigger: "test", waitMs: 10_000 });
      expect(next.status).toBe("succeeded");
      expect(await buildTables()).toEqual([]);
      expect((await t.db("etl_runs").where({ id: dead.id }).first()).status).toBe("failed");
      expect((await snapshot(wh)).facts).toEqual(before.facts);
    } finally {
      await wh.close();
    }
  });
});

describe("concurrency and data quality", () => {
  it("two runs never overlap: the second exits with a clear message", async () => {
    const wh = await openWarehouse({ path: whPath });
    const lock = await acquireEtlLock(t.db);
    try {
      const err = await createEtlRunner({ db: t.db, warehouse: wh }).run({ trigger: "test" }).catch((e) => e);
      expect(err).toBeInstanceOf(EtlBusyError);
      expect(err.message).toMatch(/đang chạy/);
    } finally {
      await lock.release();
      await wh.close();
    }
  });

  it("an ethnicity code the fact table cannot hold fails the run as a referential-integrity failure, incremental or full, and changes nothing", async () => {
    const wh = await openWarehouse({ path: whPath });
    try {
      const etl = createEtlRunner({ db: t.db, warehouse: wh });
      const before = await snapshot(wh);
      const c = await t.db("units").where({ tier: "commune" }).whereNotIn("id", fx.districts.flatMap((d) => d.communes.map((x) => x.id))).offset(2).first("id");
      // adds up, but "7" is not a code (codes are two digits): a hand edit or an import bug
      const bad = await createSubmission(t.db, fx, c.id, "BM02-NGHEO", { HH_REVIEWED: { "00": 60, "7": 60 }, HH_POOR: { "00": 30, "7": 30 }, HH_NEAR_POOR: { "00": 1 } });
      await approve(t.db, bad);
      for (const mode of ["incremental", "full"] as const) {
        const err = await etl.run({ mode, trigger: "test" }).catch((e) => e);
        expect(err).toBeInstanceOf(CheckFailedError);
        expect(err.message).toMatch(/fact_referential_integrity/);
        expect(err.failed[0].sample).toEqual([{ problem: "ethnicity", key: "7" }]);
        const run = await t.db("etl_runs").orderBy("id", "desc").first();
        expect(run).toMatchObject({ status: "failed", mode });
        expect(JSON.stringify(run.details)).toContain('"key":"7"');
        expect(await snapshot(wh)).toEqual(before);
      }
      // returned: its facts leave the extract, and the next run succeeds
      await setStatus(t.db, bad, "returned");
      expect((await etl.run({ trigger: "test" })).status).toBe("succeeded");
      expect((await snapshot(wh)).facts).toEqual(before.facts);
    } finally {
      await wh.close();
    }
  });

  it("a failing data-quality check fails the run, is recorded, and leaves the warehouse unchanged", async () => {
    const wh = await openWarehouse({ path: whPath });
    try {
      const etl = createEtlRunner({ db: t.db, warehouse: wh });
      const before = await snapshot(wh);
      const c = await t.db("units").where({ tier: "commune" }).whereNotIn("id", fx.districts.flatMap((d) => d.communes.map((x) => x.id))).offset(1).first("id");
      // groups (20 + 20) do not add up to the total (30): the form would refuse it, a bug or a hand edit might not
      const bad = await createSubmission(t.db, fx, c.id, "BM02-NGHEO", { HH_REVIEWED: { "00": 60, "02": 40, "03": 20 }, HH_POOR: { "00": 30, "02": 20, "03": 20 }, HH_NEAR_POOR: { "00": 1 } });
      await approve(t.db, bad);
      const err = await etl.run({ trigger: "test" }).catch((e) => e);
      expect(err).toBeInstanceOf(CheckFailedError);
      expect(err.message).toMatch(/ethnic_breakdown_adds_up/);
      const run = await t.db("etl_runs").orderBy("id", "desc").first();
      expect(run).toMatchObject({ status: "failed", checks_failed: 1 });
      expect(JSON.stringify(run.details)).toContain("ethnic_breakdown_adds_up");
      expect(await snapshot(wh)).toEqual(before);
      const full = await etl.run({ mode: "full", trigger: "test" }).catch((e) => e);
      expect(full).toBeInstanceOf(CheckFailedError);
      expect(await snapshot(wh)).toEqual(before);
    } finally {
      await wh.close();
    }
  });
});
