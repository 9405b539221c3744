import type { DuckDBConnection } from "@duckdb/node-api";
import type { Db } from "../app/db/knex.server.ts";
import { SELECT_FACTS_OF } from "./extract-sql.ts";
import { pgQuery } from "./pg-query.ts";
import { ChunkWriter, type ColKind } from "./table-appender.ts";
import { CheckFailedError } from "./errors.ts";

const FACT_KINDS: ColKind[] = ["int", "int", "int", "text", "text", "double", "int", "timestamptz"];

/** Called every `batchRows` rows read (progress; tests inject failures here). */
export type BatchHook = (rowsSoFar: number) => void;

export const STAGE = "etl_stage_facts";

/** Incremental stage: the fact columns with the codes as text (cast, after a check, on insert). */
export async function createStage(conn: DuckDBConnection): Promise<void> {
  await conn.run(`drop table if exists ${STAGE}`);
  await conn.run(`create temp table ${STAGE} (
    indicator_id integer, period_id integer, unit_id integer, ethnicity_code varchar, sex varchar,
    value double, submission_id integer, approved_at timestamptz)`);
}

/**
 * A code the fact table's types (warehouse/types.sql) cannot hold fails the run
 * the way the referential-integrity check does — same check name, same sample
 * shape — before a row is written. (Postgres allows only T/M/F for sex; an
 * ethnicity code is two digits in the reference data, but nothing there forces it.)
 */
export function refuseCodes(kind: "ethnicity" | "sex", bad: string[]): void {
  if (bad.length === 0) return;
  throw new CheckFailedError([
    { name: "fact_referential_integrity", rows: bad.length, sample: bad.slice(0, 5).map((key) => ({ problem: kind, key })) },
  ]);
}

/** T = M + F per cell of the incremental stage (a full rebuild derives it in full-facts.ts). */
const derivedT = (table: string) => `
  select indicator_id, period_id, unit_id, ethnicity_code, 'T'::sex_t as sex, sum(value) as value, submission_id, max(approved_at) as approved_at
    from ${table}
   where sex in ('M'::sex_t, 'F'::sex_t)
   group by indicator_id, period_id, unit_id, ethnicity_code, submission_id`;

/** Facts of a few submissions (incremental): a bound query, same shape. */
export async function selectFactsOf(db: Db, conn: DuckDBConnection, ids: number[], batchRows: number, onBatch: BatchHook): Promise<number> {
  const writer = await ChunkWriter.open(conn, STAGE, FACT_KINDS);
  let n = 0;
  try {
    // in slices, so that a large catch-up doesn't hold every row in memory
    for (let i = 0; i < ids.length; i += 2000) {
      const rows = await pgQuery(db, SELECT_FACTS_OF, [ids.slice(i, i + 2000)]);
      for (const r of rows) {
        writer.push([r.indicator_id, r.period_id, r.unit_id, r.ethnicity_code, r.sex, r.value, r.submission_id, r.approved_at]);
        if (++n % batchRows === 0) onBatch(n);
      }
    }
  } finally {
    writer.close();
  }
  return n;
}

/** Staged facts (incremental) → fact_indicator_value, with T = M + F derived for by-sex cells. */
export async function insertStaged(conn: DuckDBConnection): Promise<number> {
  const bad = async (col: "ethnicity_code" | "sex", type: string) =>
    (await conn.runAndReadAll(`select distinct ${col} as c from ${STAGE} where try_cast(${col} as ${type}) is null order by 1 limit 100`))
      .getRowObjects()
      .map((r) => String(r.c));
  refuseCodes("ethnicity", await bad("ethnicity_code", "ethnicity_code_t"));
  refuseCodes("sex", await bad("sex", "sex_t"));
  const r = await conn.run(`
    insert into fact_indicator_value
    with derived as (${derivedT(STAGE)})
    select * from ${STAGE}
    union all
    select * from derived`);
  return Number(r.rowsChanged);
}
