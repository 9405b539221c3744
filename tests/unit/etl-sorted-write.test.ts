import { DuckDBInstance, DuckDBTimestampTZValue, type DuckDBConnection } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tableDdl, typesDdl } from "../../warehouse/schema.ts";
import { FactRange, FactSubmissions, writeFactRange, type FactRanges } from "../../etl/full-facts.ts";
import { ChunkWriter } from "../../etl/table-appender.ts";

/**
 * The full rebuild's sorted write (etl/full-facts.ts) against real DuckDB:
 * rows held in memory in any arrival order, across column blocks, come out of
 * `writeFactRange` as exactly the rows read plus T = M + F per by-sex cell —
 * compared with the same derivation in SQL — and in (indicator, period, unit)
 * order on disk.
 */
let instance: DuckDBInstance;
let conn: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:");
  conn = await instance.connect();
  await conn.run(typesDdl());
  await conn.run(tableDdl("fact_indicator_value"));
});
afterAll(() => {
  conn?.closeSync();
  instance?.closeSync();
});

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("sorted write of a full rebuild's ranges", () => {
  it.each([
    ["one counting pass", undefined],
    ["two counting passes (many buckets)", 0],
  ])("writes every row read, derives T = M + F per by-sex cell, in (indicator, period, unit) order, across blocks and ranges: %s", async (_, onePassBuckets) => {
    const rand = rng(42);
    const SEX = ["F", "M", "T"]; // sex_t's order
    // 300 submissions on 30 periods × 40 units, ids not in (period, unit) order; every 17th has no approval time
    const subs = new FactSubmissions();
    const subRows: [number, number, number, bigint | null][] = [];
    for (let s = 0; s < 300; s++) {
      const id = 5000 - s * 7;
      const period = 1 + Math.floor(rand() * 30);
      const unit = 100 + Math.floor(rand() * 40);
      const micros = s % 17 === 0 ? null : 1_700_000_000_000_000n + BigInt(s) * 1_000_003n;
      subs.add(id, period, unit, micros === null ? null : new DuckDBTimestampTZValue(micros));
      subRows.push([id, period, unit, micros]);
    }
    subs.finish();
    // indicators 10..19 (odd ones by sex), met in a scrambled order; two ranges: 10–14, 15–19
    const slotId = [13, 17, 10, 19, 11, 15, 12, 18, 14, 16];
    const bounds: [number, number][] = [
      [-2147483648, 14],
      [15, 2147483647],
    ];
    const slotRange = slotId.map((id) => (id <= 14 ? 0 : 1));
    const ranges = bounds.map(([lo, hi]) => new FactRange(lo, hi));
    const src: [number, number, string, string, number][] = [];
    const cells = new Set<string>();
    let tries = 0;
    while (src.length < 150_000 && tries++ < 1_000_000) {
      const slot = Math.floor(rand() * slotId.length);
      const sub = Math.floor(rand() * 300);
      const eth = Math.floor(rand() * 55);
      const bySex = slotId[slot]! % 2 === 1;
      const sexes = bySex ? [0, 1] : [2];
      const key = `${slot}/${sub}/${eth}`;
      if (cells.has(key)) continue;
      cells.add(key);
      for (const x of sexes) {
        const value = Math.round(rand() * 1000) / 4;
        const r = ranges[slotRange[slot]!]!;
        let b = r.blocks[r.blocks.length - 1];
        if (!b || b.n === b.slot.length) b = r.grow();
        const k = b.n++;
        b.slot[k] = slot;
        b.sub[k] = sub;
        b.eth[k] = eth;
        b.sex[k] = x;
        b.value[k] = value;
        if (x !== 2) r.bySex = true;
        src.push([slot, sub, String(eth).padStart(2, "0"), SEX[x]!, value]);
      }
    }
    for (const r of ranges) r.rows = r.blocks.reduce((a, b) => a + b.n, 0);
    expect(ranges[0]!.blocks.length).toBeGreaterThan(1); // crosses a block boundary
    const read: FactRanges = { ranges, subs, slotId, slotRange, rows: src.length };

    await conn.run("begin transaction");
    let written = 0;
    for (let i = 0; i < ranges.length; i++) written += await writeFactRange(conn, read, i, { onePassBuckets });
    expect(ranges.every((r) => r.blocks.length === 0)).toBe(true); // freed once written

    // the same rows and derivation in SQL
    await conn.run("create temp table sub_src (submission_id integer, period_id integer, unit_id integer, approved_at timestamptz)");
    const sw = await ChunkWriter.open(conn, "sub_src", ["int", "int", "int", "timestamptz"]);
    for (const [id, p, u, m] of subRows) sw.pushRaw([id, p, u, m === null ? null : new DuckDBTimestampTZValue(m)]);
    sw.close();
    await conn.run("create temp table row_src (indicator_id integer, sub integer, ethnicity_code varchar, sex varchar, value double)");
    const rw = await ChunkWriter.open(conn, "row_src", ["int", "int", "text", "text", "double"]);
    for (const [slot, sub, e, x, v] of src) rw.pushRaw([slotId[slot]!, subRows[sub]![0], e, x, v]);
    rw.close();
    await conn.run(`create temp table expected as
      with r as (select r.indicator_id, s.period_id, s.unit_id, r.ethnicity_code, r.sex, r.value, s.submission_id, s.approved_at
                   from row_src r join sub_src s on s.submission_id = r.sub)
      select * from r
      union all
      select indicator_id, period_id, unit_id, ethnicity_code, 'T', sum(value), submission_id, max(approved_at)
        from r where sex in ('M', 'F') group by all`);
    const [{ n }] = (await conn.runAndReadAll("select count(*)::integer as n from expected")).getRowObjects() as [{ n: number }];
    expect(written).toBe(n);
    expect(n).toBeGreaterThan(src.length); // T rows were derived
    const diff = async (a: string, b: string) =>
      Number(
        (
          await conn.runAndReadAll(`select count(*)::integer as n from (
            select indicator_id, period_id, unit_id, ethnicity_code::varchar, sex::varchar, value, submission_id, approved_at from ${a}
            except all
            select indicator_id, period_id, unit_id, ethnicity_code::varchar, sex::varchar, value, submission_id, approved_at from ${b})`)
        ).getRowObjects()[0]!.n,
      );
    expect(await diff("fact_indicator_value", "expected")).toBe(0);
    expect(await diff("expected", "fact_indicator_value")).toBe(0);
    const [nulls] = (await conn.runAndReadAll("select count(*) filter (where approved_at is null)::integer as n, count(distinct submission_id) filter (where approved_at is null)::integer as s from fact_indicator_value")).getRowObjects();
    expect(Number(nulls!.n)).toBeGreaterThan(0);
    expect(Number(nulls!.s)).toBe(subRows.filter((s) => s[3] === null && src.some((r) => subRows[r[1]]![0] === s[0])).length);
    // physical order
    const [order] = (
      await conn.runAndReadAll(`
        select count(*)::integer as bad from (
          select indicator_id, period_id, unit_id,
                 lag(indicator_id) over w as pi, lag(period_id) over w as pp, lag(unit_id) over w as pu
            from fact_indicator_value window w as (order by rowid))
         where pi is not null
           and (pi > indicator_id or (pi = indicator_id and (pp > period_id or (pp = period_id and pu > unit_id))))`)
    ).getRowObjects();
    expect(Number(order!.bad)).toBe(0);
    await conn.run("rollback");
  });
});
