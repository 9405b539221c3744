import type { DuckDBConnection } from "@duckdb/node-api";
import { martSql, tableDdl } from "../warehouse/schema.ts";
import { indicatorSlices } from "./indicator-slices.ts";

/** A warehouse whose etl_state.marts differs from this is rebuilt in full. */
export { MARTS_VERSION } from "../warehouse/schema.ts";

/** Full rebuild, step 1: mart_indicator_node recreated empty. */
export async function startMartsFull(conn: DuckDBConnection): Promise<void> {
  await conn.run("drop table if exists mart_indicator_node");
  await conn.run(tableDdl("mart_indicator_node"));
}

/**
 * Full rebuild, step 2 (once per indicator range, in order, right after the
 * range's facts were written: they are still in the buffer pool): the sum
 * indicators' rows of the range, into `table` (a full rebuild's build table).
 * The ranges come in indicator order, so the mart stays sorted by indicator.
 */
export async function martsSumsOfRange(conn: DuckDBConnection, lo: number, hi: number, table = "mart_indicator_node"): Promise<number> {
  if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi)) throw new Error("bad indicator range");
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`bad table name ${table}`);
  await conn.run(`create or replace temp view mart_source_facts as select * from fact_indicator_value where indicator_id between ${lo} and ${hi}`);
  const rows = Number((await conn.run(`insert into ${table} ${martSql("mart_indicator_node_sums")}`)).rowsChanged);
  await conn.run("drop view mart_source_facts");
  return rows;
}

/** Full rebuild, step 3 (after every fact is written): the ratio indicators over the facts of their numerators and denominators. */
export async function martsRatiosFull(conn: DuckDBConnection): Promise<number> {
  await conn.run(`create or replace temp view mart_source_facts as
    select * from fact_indicator_value
     where indicator_id in (select numerator_id from dim_indicator where aggregation = 'ratio'
                            union select denominator_id from dim_indicator where aggregation = 'ratio')`);
  const rows = Number((await conn.run(`insert into mart_indicator_node ${martSql("mart_indicator_node_ratios")}`)).rowsChanged);
  await conn.run("drop view mart_source_facts");
  return rows;
}

/**
 * Full rebuild of mart_indicator_node from fact_indicator_value (inside the
 * load's transaction): sum indicators slice by slice of indicators, then the
 * ratio indicators. Rows: every province node for every ethnicity and sex;
 * district nodes for the all-groups total (ethnicity '00') only — district ×
 * ethnicity roll-ups are read from the facts.
 */
export async function buildMartsFull(conn: DuckDBConnection): Promise<number> {
  await startMartsFull(conn);
  let rows = 0;
  for (const [lo, hi] of await indicatorSlices(conn)) rows += await martsSumsOfRange(conn, lo, hi);
  return rows + (await martsRatiosFull(conn));
}

/**
 * Incremental refresh: every (period, province) holding a unit × period whose
 * facts this run changed (`changedTable`: period_id, unit_id) is deleted —
 * the province row and its districts' rows — and recomputed from the facts
 * of that province and period: recomputed, not patched with deltas, so the
 * mart equals a full rebuild to the last bit.
 */
export async function refreshMarts(conn: DuckDBConnection, changedTable: string): Promise<number> {
  if (!/^[a-z_][a-z0-9_]*$/.test(changedTable)) throw new Error(`bad table name ${changedTable}`);
  await conn.run(`create or replace temp table mart_touched as
    select distinct c.period_id, u.province_id
      from ${changedTable} c join dim_unit u using (unit_id) where u.province_id is not null`);
  // Period ids as literals: a constant IN list lets zone maps skip row groups.
  const periods = (await conn.runAndReadAll("select distinct period_id from mart_touched order by 1")).getRowObjects().map((r) => Number(r.period_id));
  if (periods.length === 0) return 0;
  if (!periods.every(Number.isSafeInteger)) throw new Error("bad period id");
  await conn.run(`create or replace temp table mart_touched_units as
    select u.unit_id, t.period_id from dim_unit u join mart_touched t using (province_id)`);
  await conn.run(`delete from mart_indicator_node m
    using (select t.period_id, 'province' as level, t.province_id as node_id from mart_touched t
           union all
           select distinct t.period_id, 'district', u.district_id from mart_touched t join dim_unit u using (province_id) where u.district_id is not null) k
    where m.period_id = k.period_id and m.level = k.level and m.node_id = k.node_id`);
  await conn.run(`create or replace temp view mart_source_facts as
    select f.* from fact_indicator_value f
     semi join mart_touched_units t using (unit_id, period_id)
     where f.period_id in (${periods.join(", ")})`);
  let rows = Number((await conn.run(`insert into mart_indicator_node ${martSql("mart_indicator_node_sums")}`)).rowsChanged);
  rows += Number((await conn.run(`insert into mart_indicator_node ${martSql("mart_indicator_node_ratios")}`)).rowsChanged);
  await conn.run("drop view mart_source_facts");
  await conn.run("drop table mart_touched_units");
  await conn.run("drop table mart_touched");
  return rows;
}

/**
 * mart_submission_node for the given periods (null = all, table recreated):
 * called right after fact_submission rows of those periods were replaced.
 */
export async function refreshSubmissionMart(conn: DuckDBConnection, periodIds: number[] | null): Promise<number> {
  if (periodIds === null) {
    await conn.run("drop table if exists mart_submission_node");
    await conn.run(tableDdl("mart_submission_node"));
    await conn.run("create or replace temp view mart_source_submissions as select * from fact_submission");
  } else {
    if (periodIds.length === 0) return 0;
    if (!periodIds.every(Number.isSafeInteger)) throw new Error("bad period id");
    const list = periodIds.join(", ");
    await conn.run(`delete from mart_submission_node where period_id in (${list})`);
    await conn.run(`create or replace temp view mart_source_submissions as select * from fact_submission where period_id in (${list})`);
  }
  const r = await conn.run(`insert into mart_submission_node ${martSql("mart_submission_node")}`);
  await conn.run("drop view mart_source_submissions");
  return Number(r.rowsChanged);
}
