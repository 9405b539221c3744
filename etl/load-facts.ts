import type { DuckDBConnection } from "@duckdb/node-api";
import pgCopy from "pg-copy-streams";
import type { Readable } from "node:stream";
import type { Db } from "../app/db/knex.server.ts";
import { COPY_ALL_FACTS, SELECT_FACTS_OF } from "./extract-sql.ts";
import { pgQuery } from "./pg-query.ts";
import { parseBinaryCopy, type PgBinaryType } from "./pg-binary-copy.ts";
import { ChunkWriter, type ColKind } from "./table-appender.ts";

const FACT_PG_TYPES: PgBinaryType[] = ["int4", "int4", "int4", "text", "text", "float8", "int4", "timestamptz"];
const FACT_KINDS: ColKind[] = ["int", "int", "int", "text", "text", "double", "int", "timestamptz"];

/** Called every `batchRows` rows read (progress; tests inject failures here). */
export type BatchHook = (rowsSoFar: number) => void;

export const STAGE = "etl_stage_facts";

export async function createStage(conn: DuckDBConnection): Promise<void> {
  await conn.run(`drop table if exists ${STAGE}`);
  await conn.run(`create temp table ${STAGE} as select * from fact_indicator_value limit 0`);
}

type PgClient = { query: (q: unknown) => Readable };

/** One stage table per indicator id range of a full rebuild. */
export interface StageRange {
  lo: number;
  hi: number;
  table: string;
  /** Rows staged. */
  rows: number;
  /** A row with sex M or F was staged: T = M + F must be derived. */
  bySex: boolean;
}

/**
 * Every approved fact: binary COPY parsed straight into DuckDB data chunks,
 * each row routed by its indicator id to the stage table of its range
 * (`ranges` contiguous, in order, covering every integer). Returns the stages.
 */
export async function copyAllFactsToRanges(
  db: Db,
  conn: DuckDBConnection,
  ranges: [number, number][],
  batchRows: number,
  onBatch: BatchHook,
): Promise<StageRange[]> {
  const stages: StageRange[] = ranges.map(([lo, hi], i) => ({ lo, hi, table: `${STAGE}_${i}`, rows: 0, bySex: false }));
  for (const s of stages) {
    await conn.run(`drop table if exists ${s.table}`);
    await conn.run(`create temp table ${s.table} as select * from fact_indicator_value limit 0`);
  }
  const writers: ChunkWriter[] = [];
  const client = (await db.client.acquireConnection()) as PgClient;
  try {
    for (const s of stages) writers.push(await ChunkWriter.open(conn, s.table, FACT_KINDS));
    // indicator id → range: a Map for the ids met so far, a binary search over the bounds otherwise
    const his = stages.map((s) => s.hi);
    const rangeOf = new Map<number, number>();
    const find = (id: number): number => {
      let a = 0;
      let b = his.length - 1;
      while (a < b) {
        const m = (a + b) >> 1;
        if (id <= his[m]!) b = m;
        else a = m + 1;
      }
      return a;
    };
    const stream = client.query(pgCopy.to(COPY_ALL_FACTS));
    let n = 0;
    const rows = await parseBinaryCopy(stream, FACT_PG_TYPES, (v) => {
      const id = v[0] as number;
      let r = rangeOf.get(id);
      if (r === undefined) {
        r = find(id);
        rangeOf.set(id, r);
      }
      writers[r]!.pushRaw(v);
      if (v[4] !== "T") stages[r]!.bySex = true;
      if (++n % batchRows === 0) onBatch(n);
    });
    stages.forEach((s, i) => (s.rows = writers[i]!.close()));
    writers.length = 0;
    if (stages.reduce((a, s) => a + s.rows, 0) !== rows) throw new Error("staged rows ≠ rows read");
    return stages;
  } finally {
    for (const w of writers) {
      try {
        w.close();
      } catch {
        /* the transaction is rolled back anyway */
      }
    }
    await db.client.releaseConnection(client);
  }
}

/**
 * One stage range → fact_indicator_value, sorted by indicator, period, unit,
 * with T = M + F derived for by-sex cells (only when the range staged M/F
 * rows); the stage is dropped. Ranges inserted in order leave the table in
 * that order (zone maps skip most row groups in selective queries) while
 * every sort stays the size of one range.
 */
export async function insertStageRange(conn: DuckDBConnection, s: StageRange): Promise<number> {
  const r = await conn.run(`
    insert into fact_indicator_value
    ${s.bySex ? `with derived as (${derivedT(s.table)}) select * from ${s.table} union all select * from derived` : `select * from ${s.table}`}
    order by indicator_id, period_id, unit_id`);
  await conn.run(`drop table ${s.table}`);
  return Number(r.rowsChanged);
}

const derivedT = (table: string) => `
  select indicator_id, period_id, unit_id, ethnicity_code, 'T' as sex, sum(value) as value, submission_id, max(approved_at) as approved_at
    from ${table}
   where sex in ('M', 'F')
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
  const r = await conn.run(`
    insert into fact_indicator_value
    with derived as (${derivedT(STAGE)})
    select * from ${STAGE}
    union all
    select * from derived`);
  return Number(r.rowsChanged);
}
