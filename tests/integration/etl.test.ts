import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../setup/db.ts";
import { openWarehouse, type WarehouseService } from "../../warehouse/service.ts";
import { createEtlRunner, type EtlRunner } from "../../etl/runner.ts";
import { queryIndicators } from "../../warehouse/query/index.ts";
import { buildScope } from "../../app/scope/scope.ts";
import { approve, createSubmission, setStatus, setValue, setupFixture, type Fixture } from "../fixtures/etl-fixture.ts";

let t: TestDb;
let dir: string;
let wh: WarehouseService;
let etl: EtlRunner;
let fx: Fixture;

const facts = async (w: WarehouseService = wh) =>
  (
    await w.all(
      `select i.code as indicator, f.unit_id, f.ethnicity_code as eth, f.sex, f.value, f.submission_id
         from fact_indicator_value f join dim_indicator i using (indicator_id)
        order by 1, 2, 3, 4`,
    )
  )
    .map((r) => `${r.indicator}|${r.unit_id}|${r.eth}|${r.sex}|${r.value}|${r.submission_id}`)
    .sort();

const province = () => buildScope({ userId: 1, username: "p", unitId: 1, unitPath: "/1/", tier: "province", roles: ["admin", "analyst"], sectorDomains: [] });

beforeAll(async () => {
  t = await createTestDb();
  dir = mkdtempSync(path.join(os.tmpdir(), "etl-test-"));
  wh = await openWarehouse({ path: path.join(dir, "wh.duckdb") });
  etl = createEtlRunner({ db: t.db, warehouse: wh });
  fx = await setupFixture(t.db);
});
afterAll(async () => {
  await wh?.close();
  await t?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("ETL correctness", () => {
  let a1: number, a2: number, b1: number, draft: number;

  it("loads exactly the facts of approved submissions", async () => {
    const [da, db_] = fx.districts;
    a1 = await createSubmission(t.db, fx, da!.communes[0]!.id, "BM02-NGHEO", {
      HH_REVIEWED: { "00": 100, "02": 70, "03": 30 },
      HH_POOR: { "00": 50, "02": 40, "03": 10 },
      HH_NEAR_POOR: { "00": 10 },
    });
    a2 = await createSubmission(t.db, fx, da!.communes[1]!.id, "BM02-NGHEO", { HH_REVIEWED: { "00": 300 }, HH_POOR: { "00": 30 }, HH_NEAR_POOR: { "00": 5 } });
    b1 = await createSubmission(t.db, fx, db_!.communes[0]!.id, "BM01-DANSO", { POP: { "00": { M: 240, F: 260 }, "02": { M: 240, F: 260 } }, HH: { "00": 120, "02": 120 } });
    draft = await createSubmission(t.db, fx, db_!.communes[1]!.id, "BM02-NGHEO", { HH_REVIEWED: { "00": 999 }, HH_POOR: { "00": 999 }, HH_NEAR_POOR: { "00": 1 } });
    await approve(t.db, a1);
    await approve(t.db, a2);
    await approve(t.db, b1);
    await setStatus(t.db, draft, "submitted");

    const s = await etl.run({ trigger: "test" });
    expect(s.status).toBe("succeeded");
    expect(s.mode).toBe("full"); // empty warehouse → full
    const ca1 = fx.districts[0]!.communes[0]!.id;
    const ca2 = fx.districts[0]!.communes[1]!.id;
    const cb1 = fx.districts[1]!.communes[0]!.id;
    expect(await facts()).toEqual(
      [
        `HH|${cb1}|00|T|120|${b1}`,
        `HH|${cb1}|02|T|120|${b1}`,
        `HH_NEAR_POOR|${ca1}|00|T|10|${a1}`,
        `HH_NEAR_POOR|${ca2}|00|T|5|${a2}`,
        `HH_POOR|${ca1}|00|T|50|${a1}`,
        `HH_POOR|${ca1}|02|T|40|${a1}`,
        `HH_POOR|${ca1}|03|T|10|${a1}`,
        `HH_POOR|${ca2}|00|T|30|${a2}`,
        `HH_REVIEWED|${ca1}|00|T|100|${a1}`,
        `HH_REVIEWED|${ca1}|02|T|70|${a1}`,
        `HH_REVIEWED|${ca1}|03|T|30|${a1}`,
        `HH_REVIEWED|${ca2}|00|T|300|${a2}`,
        `POP|${cb1}|00|F|260|${b1}`,
        `POP|${cb1}|00|M|240|${b1}`,
        `POP|${cb1}|00|T|500|${b1}`,
        `POP|${cb1}|02|F|260|${b1}`,
        `POP|${cb1}|02|M|240|${b1}`,
        `POP|${cb1}|02|T|500|${b1}`,
      ].sort(),
    );
    expect(s.factsWritten).toBe(18);
    expect(s.checksFailed).toBe(0);
    const run = await t.db("etl_runs").where({ id: s.runId }).first();
    expect(run).toMatchObject({ status: "succeeded", mode: "full", facts_written: 18, trigger: "test" });
    expect(run.finished_at).not.toBeNull();
  });

  it("a district's poverty rate is sum(poor)/sum(reviewed) of its communes", async () => {
    const r = await queryIndicators(wh, province(), { indicators: ["POVERTY_RATE"], groupBy: ["unit"], unitLevel: "district", filters: { periods: ["2024"] } });
    const d = r.rows.find((x) => x.unitId === fx.districts[0]!.id)!;
    expect(d.numerator).toBe(80);
    expect(d.denominator).toBe(400);
    expect(d.value).toBeCloseTo(20, 10); // the mean of the commune rates would be 30
  });

  it("rerunning with nothing new changes nothing", async () => {
    const before = await facts();
    const s = await etl.run({ trigger: "test" });
    expect(s).toMatchObject({ mode: "incremental", submissionsChanged: 0, factsWritten: 0, factsRetracted: 0, rowsRead: 0 });
    expect(await facts()).toEqual(before);
  });

  it("a return after approval retracts the facts; reopen + re-approve replaces them", async () => {
    await setStatus(t.db, a2, "returned");
    const s1 = await etl.run({ trigger: "test" });
    expect(s1).toMatchObject({ mode: "incremental", submissionsChanged: 1, factsRetracted: 3, factsWritten: 0 });
    expect((await facts()).some((f) => f.endsWith(`|${a2}`))).toBe(false);

    await setStatus(t.db, a2, "draft");
    await setValue(t.db, a2, fx.ind.HH_POOR!, "00", "T", 45);
    await approve(t.db, a2);
    const s2 = await etl.run({ trigger: "test" });
    expect(s2).toMatchObject({ submissionsChanged: 1, factsWritten: 3, factsRetracted: 0 });
    const ca2 = fx.districts[0]!.communes[1]!.id;
    expect(await facts()).toContain(`HH_POOR|${ca2}|00|T|45|${a2}`);
    expect(await facts()).not.toContain(`HH_POOR|${ca2}|00|T|30|${a2}`);

    // the draft that got approved in the meantime appears too
    await approve(t.db, draft);
    const s3 = await etl.run({ trigger: "test" });
    expect(s3.submissionsChanged).toBe(1);
    expect(s3.factsWritten).toBe(3);
  });

  it("an incremental run derives T = M + F for a by-sex form, as the full rebuild does", async () => {
    const commune = fx.districts[1]!.communes[1]!.id;
    const id = await createSubmission(t.db, fx, commune, "BM01-DANSO", { POP: { "00": { M: 100, F: 120 }, "03": { M: 100, F: 120 } }, HH: { "00": 50, "03": 50 } });
    await approve(t.db, id);
    const s = await etl.run({ trigger: "test" });
    expect(s).toMatchObject({ mode: "incremental", submissionsChanged: 1, rowsRead: 6, factsWritten: 8 });
    expect((await facts()).filter((f) => f.startsWith(`POP|${commune}|`))).toEqual([
      `POP|${commune}|00|F|120|${id}`,
      `POP|${commune}|00|M|100|${id}`,
      `POP|${commune}|00|T|220|${id}`,
      `POP|${commune}|03|F|120|${id}`,
      `POP|${commune}|03|M|100|${id}`,
      `POP|${commune}|03|T|220|${id}`,
    ]);
  });

  it("a full rebuild equals the incremental result", async () => {
    const incremental = await facts();
    const comp1 = await wh.all("select period_id, form_code, unit_id, submission_id, status from fact_submission order by all");
    // the marts, refreshed slice by slice by the incremental runs, equal a rebuild too
    const marts = () => wh.all("select * from mart_indicator_node order by all");
    const subMarts = () => wh.all("select * from mart_submission_node order by all");
    const marts1 = await marts();
    const subMarts1 = await subMarts();
    expect(marts1.length).toBeGreaterThan(0);
    expect(subMarts1.length).toBeGreaterThan(0);
    const s = await etl.run({ mode: "full", trigger: "test" });
    expect(s.mode).toBe("full");
    expect(await facts()).toEqual(incremental);
    expect(await wh.all("select period_id, form_code, unit_id, submission_id, status from fact_submission order by all")).toEqual(comp1);
    expect(await marts()).toEqual(marts1);
    expect(await subMarts()).toEqual(subMarts1);
  });

  it("a warehouse of the previous layout (text codes, marts version 3) is rebuilt in full by the next run, to the same facts", async () => {
    const codeTypes = async () =>
      (await wh.all(`select column_name, data_type from duckdb_columns() where table_name in ('fact_indicator_value', 'mart_indicator_node')
                       and column_name in ('ethnicity_code', 'sex') order by table_name, column_name`)).map((r) => String(r.data_type).replace(/\(.*/, ""));
    expect(await codeTypes()).toEqual(["ENUM", "ENUM", "ENUM", "ENUM"]);
    const before = await facts();
    const c = await wh.connect();
    try {
      for (const table of ["fact_indicator_value", "mart_indicator_node"])
        for (const col of ["ethnicity_code", "sex"]) await c.run(`alter table ${table} alter ${col} type varchar`);
      await c.run("update etl_state set value = '3' where key = 'marts'");
    } finally {
      c.closeSync();
    }
    expect(await codeTypes()).toEqual(["VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR"]);
    const s = await etl.run({ trigger: "test" });
    expect(s.mode).toBe("full");
    expect(await codeTypes()).toEqual(["ENUM", "ENUM", "ENUM", "ENUM"]);
    expect(await facts()).toEqual(before);
    expect((await etl.run({ trigger: "test" })).mode).toBe("incremental");
  });

  it("completeness lists expected units that have not started", async () => {
    const rows = await wh.all(`select status, count(*)::integer as n from fact_submission where period_id = ? and form_code = 'BM02-NGHEO' group by all order by 1`, [fx.periodId]);
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    const communes = Number((await t.db("units").where({ tier: "commune" }).whereNull("valid_to").count("* as n"))[0]!.n);
    expect(byStatus.approved).toBe(3);
    expect(byStatus.not_started).toBe(communes - 3);
  });
});
