import type { DuckDBConnection } from "@duckdb/node-api";
import pgCopy from "pg-copy-streams";
import type { Readable } from "node:stream";
import type { Db } from "../app/db/knex.server.ts";
import { COPY_ALL_FACTS, SELECT_FACTS_OF } from "./extract-sql.ts";
import { pgQuery } from "./pg-query.ts";
import { parseBinaryCopy, type PgBinaryType } from "./pg-binary-copy.ts";
import { ChunkWriter, type ColKind } from "./table-appender.ts";
import { indicatorSlices } from "./indicator-slices.ts";

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

/** Every approved fact: binary COPY parsed straight into DuckDB data chunks. */
export async function copyAllFacts(db: Db, conn: DuckDBConnection, batchRows: number, onBatch: BatchHook): Promise<number> {
  const client = (await db.client.acquireConnection()) as PgClient;
  const writer = await ChunkWriter.open(conn, STAGE, FACT_KINDS);
  try {
    const stream = client.query(pgCopy.to(COPY_ALL_FACTS));
    let n = 0;
    const rows = await parseBinaryCopy(stream, FACT_PG_TYPES, (v) => {
      writer.pushRaw(v);
      if (++n % batchRows === 0) onBatch(n);
    });
    writer.close();
    return rows;
  } catch (e) {
    try {
      writer.close();
    } catch {
      /* the transaction is rolled back anyway */
    }
    throw e;
  } finally {
    await db.client.releaseConnection(client);
  }
}

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

/**
 * Staged facts → fact_indicator_value, with T = M + F derived for by-sex
 * cells. `sorted` (full rebuild): written slice by slice of indicators, each
 * slice sorted by indicator, period, unit — the table ends up in that order
 * (zone maps skip most row groups in selective queries) while every sort
 * stays small enough for the cache instead of one sort of every fact.
 */
export async function insertStaged(conn: DuckDBConnection, sorted: boolean): Promise<number> {
  // The stage is in arrival order (no zone maps to find a slice): every slice scans all of it,
  // so a few large slices (each sorted on its own) rather than many small ones.
  const slices: ([number, number] | null)[] = sorted ? await indicatorSlices(conn, STAGE, { maxSlices: 4 }) : [null];
  let n = 0;
  for (const slice of slices) {
    const where = slice ? `where indicator_id between ${slice[0]} and ${slice[1]}` : "";
    const r = await conn.run(`
      insert into fact_indicator_value
      with staged as (select * from ${STAGE} ${where}),
      derived as (
        select indicator_id, period_id, unit_id, ethnicity_code, 'T' as sex, sum(value) as value, submission_id, max(approved_at) as approved_at
          from staged
         where sex in ('M', 'F')
         group by indicator_id, period_id, unit_id, ethnicity_code, submission_id
      )
      select * from staged
      union all
      select * from derived
      ${sorted ? "order by indicator_id, period_id, unit_id" : ""}`);
    n += Number(r.rowsChanged);
  }
  return n;
}
