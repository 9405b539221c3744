import { mkdtempSync, rmSync } from "node:fs";
import type { DuckDBConnection } from "@duckdb/node-api";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../setup/db.ts";
import { openWarehouse, type WarehouseService } from "../../warehouse/service.ts";
import { createEtlRunner } from "../../etl/runner.ts";
import { InjectedFailure } from "../../etl/errors.ts";
import { runChecks } from "../../etl/checks.ts";
import { planIndicatorRanges } from "../../etl/indicator-slices.ts";
import { approve, createSubmission, setupFixture, warehouseSnapshot, type Fixture } from "../fixtures/etl-fixture.ts";

/**
 * The full rebuild stages facts by indicator id range and writes them range
 * by range: with tiny ranges (many of them) the warehouse equals the one
 * built with a single range, the facts are in (indicator, period, unit)
 * order, T = M + F is derived in every range, and the mart holds province
 * rows for every ethnicity and district rows for '00' only — equal to an
 * independent aggregation of the facts.
 */
let t: TestDb;
let dir: string;
let fx: Fixture;

const poverty = (total: number, g2: number, g3: number) => ({
  HH_REVIEWED: { "00": total * 2, "02": g2 * 2, "03": g3 * 2 },
  HH_POOR: { "00": total, "02": g2, "03": g3 },
  HH_NEAR_POOR: { "00": 1 },
});
const population = (m: number, f: number) => ({ POP: { "00": { M: m * 2, F: f * 2 }, "02": { M: m, F: f }, "03": { M: m, F: f } }, HH: { "00": m + f, "02": m, "03": f } });

const full = async (w: WarehouseService) => ({
  ...(await warehouseSnapshot(w, { state: false })),
  approved: await w.all("select submission_id, count(distinct approved_at)::integer as n from fact_indicator_value group by 1 order by 1"),
  marts: await w.all("select * from mart_indicator_node order by all"),
  subMarts: await w.all("select * from mart_submission_node order by all"),
});

async function build(file: string, opts: { rangeFacts?: number; batchRows?: number; failAfterBatches?: number; failAfterRanges?: number } = {}) {
  const wh = await openWarehouse({ path: file });
  try {
    let ranges = 0; // the runner enters "derive" once per range
    const r = await createEtlRunner({ db: t.db, warehouse: wh }).run({ mode: "full", trigger: "test", ...opts, onProgress: (p) => void (p.phase === "derive" && ranges++) });
    return { r, snap: await full(wh), ranges };
  } finally {
    await wh.close();
  }
}

/** A full rebuild in many ranges into `name`, then `fn` inside a transaction on it that is rolled back. */
async function inBuiltWarehouse(name: string, fn: (conn: DuckDBConnection) => Promise<void>) {
  const file = path.join(dir, name);
  expect((await build(file, { rangeFacts: 3 })).r.status).toBe("succeeded");
  const wh = await openWarehouse({ path: file });
  try {
    const conn = await wh.connect();
    try {
      await conn.run("begin transaction");
      await fn(conn);
      await conn.run("rollback");
    } finally {
      conn.closeSync();
    }
  } finally {
    await wh.close();
  }
}

beforeAll(async () => {
  t = await createTestDb();
  dir = mkdtempSync(path.join(os.tmpdir(), "etl-ranges-"));
  fx = await setupFixture(t.db);
  let k = 0;
  for (const d of fx.districts)
    for (const c of d.communes) {
      k++;
      await approve(t.db, await createSubmission(t.db, fx, c.id, "BM02-NGHEO", poverty(30 + k, 20 + k, 10)));
      await approve(t.db, await createSubmission(t.db, fx, c.id, "BM01-DANSO", population(100 + k, 110 + k)));
    }
  // the planner sizes ranges from Postgres' statistics
  await t.db.raw("analyze submission_values");
});
afterAll(async () => {
  await t?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("full rebuild by indicator range", () => {
  it("plans ranges that cover every integer: ~2 M facts each, at least 4 (of ≥ 250 000) so writes overlap marts and checks, one for a small load", async () => {
    const wh = await openWarehouse({ path: path.join(dir, "plan.duckdb") });
    try {
      await createEtlRunner({ db: t.db, warehouse: wh }).run({ mode: "full", trigger: "test" }); // dimensions
      const conn = await wh.connect();
      try {
        const nSum = Number((await conn.runAndReadAll("select count(*)::integer as n from dim_indicator where aggregation = 'sum'")).getRowObjects()[0]!.n);
        expect(nSum).toBeGreaterThanOrEqual(4);
        const plan = (estimate: number) => planIndicatorRanges(t.db, conn, estimate);
        const covers = (r: [number, number][]) =>
          r[0]![0] === -2147483648 && r[r.length - 1]![1] === 2147483647 && r.every(([lo, hi], i) => lo <= hi && (i === 0 || lo === r[i - 1]![1] + 1));
        for (const [estimate, n] of [
          [100_000, 1], // below 2 × 250 000: one range
          [600_000, 2],
          [1_500_000, 4], // a province: four ranges, not one
          [Math.min(nSum, 6) * 2_000_000, Math.min(nSum, 6)], // ~2 M each
        ] as const) {
          const r = await plan(estimate);
          expect(r).toHaveLength(Math.min(n, nSum));
          expect(covers(r)).toBe(true);
        }
      } finally {
        conn.closeSync();
      }
    } finally {
      await wh.close();
    }
  });

  it("many tiny ranges give the same warehouse as one range, sorted, with T derived", async () => {
    const one = await build(path.join(dir, "one.duckdb"), { rangeFacts: 1e9 });
    const many = await build(path.join(dir, "many.duckdb"), { rangeFacts: 3 });
    expect(one.r.status).toBe("succeeded");
    expect(many.r.status).toBe("succeeded");
    expect(one.ranges).toBe(1);
    expect(many.ranges).toBeGreaterThan(3);
    expect(many.snap).toEqual(one.snap);
    expect(many.r.factsWritten).toBe(one.r.factsWritten);
    expect(many.r.checks.map((c) => [c.name, c.rows])).toEqual(one.r.checks.map((c) => [c.name, c.rows]));
    // every submission's facts carry its one approval time
    expect(many.snap.approved.every((r) => r.n === 1)).toBe(true);

    const wh = await openWarehouse({ path: path.join(dir, "many.duckdb") });
    try {
      // physical order (rowid of a freshly written table) is (indicator, period, unit)
      const [order] = await wh.all(`
        select count(*)::integer as bad from (
          select indicator_id, period_id, unit_id,
                 lag(indicator_id) over w as pi, lag(period_id) over w as pp, lag(unit_id) over w as pu
            from fact_indicator_value window w as (order by rowid))
         where pi is not null
           and (pi > indicator_id or (pi = indicator_id and (pp > period_id or (pp = period_id and pu > unit_id))))`);
      expect(order!.bad).toBe(0);
      // T = M + F for the by-sex indicator, in every cell
      const [pop] = await wh.all(`
        select count(*)::integer as cells,
               count(*) filter (where abs(t - (m + f)) < 1e-9)::integer as ok
          from (select unit_id, ethnicity_code,
                       sum(value) filter (where sex = 'T') as t, sum(value) filter (where sex = 'M') as m, sum(value) filter (where sex = 'F') as f
                  from fact_indicator_value where indicator_id = ${fx.ind.POP} group by all)`);
      expect(pop!.cells).toBe(4 * 3);
      expect(pop!.ok).toBe(pop!.cells);
      // mart: province rows for every ethnicity, district rows for '00' only; equal to the facts' sums
      const [shape] = await wh.all(`
        select count(*) filter (where level = 'district' and ethnicity_code <> '00')::integer as district_groups,
               count(*) filter (where level = 'province' and ethnicity_code <> '00')::integer as province_groups,
               count(*) filter (where level = 'district')::integer as districts
          from mart_indicator_node`);
      expect(shape!.district_groups).toBe(0);
      expect(shape!.province_groups).toBeGreaterThan(0);
      expect(shape!.districts).toBeGreaterThan(0);
      const oracle = await wh.all(`
        select f.indicator_id, f.period_id, 'province' as level, u.province_id as node_id, f.ethnicity_code, f.sex, sum(f.value) as v, count(*)::bigint as facts
          from fact_indicator_value f join dim_unit u using (unit_id) where u.province_id is not null group by all
        union all
        select f.indicator_id, f.period_id, 'district', u.district_id, f.ethnicity_code, f.sex, sum(f.value), count(*)::bigint
          from fact_indicator_value f join dim_unit u using (unit_id) where u.district_id is not null and f.ethnicity_code = '00' group by all
        order by all`);
      const sums = await wh.all(`
        select m.indicator_id, m.period_id, m.level, m.node_id, m.ethnicity_code, m.sex, m.v, m.facts
          from mart_indicator_node m join dim_indicator i using (indicator_id) where i.aggregation = 'sum' order by all`);
      expect(sums).toEqual(oracle);
    } finally {
      await wh.close();
    }
  });

  it("a failure while reading, or after some ranges were written, leaves the previous warehouse intact", async () => {
    const file = path.join(dir, "fail.duckdb");
    const ok = await build(file, { rangeFacts: 3 });
    expect(ok.r.status).toBe("succeeded");
    await approve(
      t.db,
      await createSubmission(t.db, fx, fx.districts[0]!.communes[0]!.id, "BM02-NGHEO", poverty(5, 3, 2), (await setupFixture(t.db, "2023")).periodId),
    );
    const unchanged = async () => {
      const wh = await openWarehouse({ path: file });
      try {
        expect(await full(wh)).toEqual(ok.snap);
        // the failed run dropped its build tables
        expect(await wh.all("select table_name from duckdb_tables() where table_name like '%build%'")).toEqual([]);
      } finally {
        await wh.close();
      }
    };
    // mid-COPY: nothing was written to the fact table yet
    expect(await build(file, { rangeFacts: 3, batchRows: 5, failAfterBatches: 3 }).catch((e) => e)).toBeInstanceOf(InjectedFailure);
    await unchanged();
    // mid-write: two ranges of facts (and their marts) are in the run's transaction
    expect(await build(file, { rangeFacts: 3, failAfterRanges: 2 }).catch((e) => e)).toBeInstanceOf(InjectedFailure);
    await unchanged();
    // the next run completes with the new submission
    const next = await build(file, { rangeFacts: 3 });
    expect(next.r.status).toBe("succeeded");
    expect(next.r.factsWritten).toBeGreaterThan(ok.r.factsWritten);
  });

  it("the cell checks over the final facts find a duplicated cell (range by range)", async () => {
    await inBuiltWarehouse("dup.duckdb", async (conn) => {
      const clean = await runChecks(conn, { all: true });
      expect(clean.every((c) => c.rows === 0)).toBe(true);
      // one cell twice (a second submission id), in the last indicator's range
      await conn.run(`insert into fact_indicator_value
        select * replace (submission_id + 100000 as submission_id) from fact_indicator_value
         where indicator_id = (select max(indicator_id) from fact_indicator_value) limit 1`);
      const found = await runChecks(conn, { all: true });
      const grain = found.find((c) => c.name === "fact_unique_grain")!;
      expect(grain.rows).toBe(1);
      expect(grain.sample[0]).toMatchObject({ n: 2 });
    });
  });
  it("the within-cell checks share one summary: a repeated code is found whichever bit it sets (00, 54, 99), a breakdown off by more than 0.5 fails", async () => {
    await inBuiltWarehouse("cells.duckdb", async (conn) => {
      const one = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjects()[0]!;
      const ind = Number((await one("select min(indicator_id) as i from dim_indicator where disaggregation <> 'none' and aggregation = 'sum'")).i);
      const per = Number((await one("select min(period_id) as p from dim_period")).p);
      const units = (
        await conn.runAndReadAll(`select unit_id from dim_unit u
           where not exists (select 1 from fact_indicator_value f where f.unit_id = u.unit_id and f.indicator_id = ${ind} and f.period_id = ${per})
           order by unit_id limit 4`)
      ).getRowObjects().map((r) => Number(r.unit_id));
      expect(units).toHaveLength(4);
      const [a, b, c, d] = units as [number, number, number, number];
      const cells: [number, string, number][] = [
        [a, "00", 10], [a, "54", 10], [a, "54", 0], // 54 twice, sums still add up
        [b, "00", 5], [b, "00", 5], [b, "01", 10], // the total twice
        [c, "00", 20], [c, "99", 10], [c, "99", 10], // code 99: a bit past the first 64
        [d, "00", 10], [d, "01", 4], [d, "02", 5], // 9 ≠ 10
      ];
      const values = cells.map(([u, e, v], i) => `(${ind}, ${per}, ${u}, '${e}', 'T', ${v}, ${900_000 + i}, null)`).join(", ");
      await conn.run(`insert into fact_indicator_value values ${values}`);
      const found = await runChecks(conn, { all: true });
      const grain = found.find((x) => x.name === "fact_unique_grain")!;
      expect(grain.rows).toBe(3);
      expect(grain.sample.map((r) => [r.unit_id, r.ethnicity_code, r.n])).toEqual([
        [a, "54", 2],
        [b, "00", 2],
        [c, "99", 2],
      ]);
      const eth = found.find((x) => x.name === "ethnic_breakdown_adds_up")!;
      expect(eth.rows).toBe(1);
      expect(eth.sample[0]).toMatchObject({ unit_id: d, total: 10, groups: 9 });
    });
  });
});
