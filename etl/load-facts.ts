import type { DuckDBConnection } from "@duckdb/node-api";
import type { Db } from "../app/db/knex.server.ts";
import { COPY_ALL_FACTS, SELECT_FACTS_OF } from "./extract-sql.ts";
import { pgQuery } from "./pg-query.ts";
import { copyOutBinary, type CopyOutClient, type PgBinaryType } from "./pg-binary-copy.ts";
import type { DuckDBTimestampTZValue, DuckDBValue } from "@duckdb/node-api";
import { ChunkWriter, NumericChunkWriter, type ColKind } from "./table-appender.ts";
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
function refuseCodes(kind: "ethnicity" | "sex", bad: string[]): void {
  if (bad.length === 0) return;
  throw new CheckFailedError([
    { name: "fact_referential_integrity", rows: bad.length, sample: bad.slice(0, 5).map((key) => ({ problem: kind, key })) },
  ]);
}

/** One stage table per indicator id range of a full rebuild. */
export interface StageRange {
  lo: number;
  hi: number;
  table: string;
  /** Rows staged. */
  rows: number;
  /** A row with a sex other than T was staged: T = M + F must be derived. */
  bySex: boolean;
}

/** Full rebuild: submission → period, unit, approval time (one row per submission met in the COPY). */
export const STAGE_SUBMISSIONS = "etl_stage_submissions";
/** Full rebuild: integer code → ethnicity / sex, typed as the fact table's columns. */
export const STAGE_CODES = "etl_stage_codes";

const COPY_PG_TYPES: PgBinaryType[] = ["int4", "int4", "int4", "textcode", "textcode", "float8", "int4", "timestamptz"];
const RANGE_KINDS = ["int", "int", "int", "double", "int"] as const;

/**
 * Every approved fact: binary COPY parsed straight into DuckDB data chunks,
 * each row routed by its indicator id to the stage table of its range
 * (`ranges` contiguous, in order, covering every integer). A stage row is
 * compact — (indicator_id, ethnicity code, sex code, value, submission_id):
 * the period, unit and approval time are the submission's (one row of
 * `submissions` in the COPY's snapshot; checked on every row) and go to
 * STAGE_SUBMISSIONS once per submission; ethnicity and sex are integer codes
 * into STAGE_CODES. `insertStageRange` joins them back.
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
    await conn.run(`create temp table ${s.table} (indicator_id integer, eth integer, sex integer, value double, submission_id integer)`);
  }
  await conn.run(`create or replace temp table ${STAGE_SUBMISSIONS} (submission_id integer, period_id integer, unit_id integer, approved_at timestamptz)`);
  await conn.run(`create or replace temp table ${STAGE_CODES} (code integer, text varchar)`);
  const codes: string[] = ["T"];
  // codes met as an ethnicity / as a sex (each must fit its column type)
  const asEth: boolean[] = [];
  const asSex: boolean[] = [];
  const writers: NumericChunkWriter[] = [];
  const client = (await db.client.acquireConnection()) as CopyOutClient;
  try {
    for (const s of stages) writers.push(await NumericChunkWriter.open(conn, s.table, RANGE_KINDS));
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
    // per-row lookups by small non-negative ids go through arrays, others through Maps
    const SMALL = 1 << 22;
    const rangeSmall: number[] = [];
    type Sub = [number, number, DuckDBValue];
    const subs = new Map<number, Sub>();
    const subsSmall: (Sub | undefined)[] = [];
    let lastSub = -1;
    let lastEntry: Sub | undefined;
    let n = 0;
    const rows = await copyOutBinary(
      client,
      COPY_ALL_FACTS,
      COPY_PG_TYPES,
      (v) => {
        const id = v[0] as number;
        let r: number | undefined;
        if (id >= 0 && id < SMALL) {
          r = rangeSmall[id];
          if (r === undefined) r = rangeSmall[id] = find(id);
        } else {
          r = rangeOf.get(id);
          if (r === undefined) {
            r = find(id);
            rangeOf.set(id, r);
          }
        }
        const sub = v[6] as number;
        if (sub !== lastSub || lastEntry === undefined) {
          const small = sub >= 0 && sub < SMALL;
          lastEntry = small ? subsSmall[sub] : subs.get(sub);
          if (lastEntry === undefined) {
            lastEntry = [v[1] as number, v[2] as number, v[7]!];
            if (small) subsSmall[sub] = lastEntry;
            subs.set(sub, lastEntry);
          }
          lastSub = sub;
        }
        if (lastEntry[0] !== v[1] || lastEntry[1] !== v[2] || (lastEntry[2] !== v[7] && !sameTimestamp(lastEntry[2], v[7]!)))
          throw new Error(`phiếu ${sub}: kỳ/đơn vị/thời điểm duyệt không nhất quán / submission ${sub}: inconsistent period, unit or approval time`);
        const eth = v[3] as number;
        const sex = v[4] as number;
        const value = v[5] as number;
        if (eth === null || sex === null || value === null || sub === null || id === null) throw new Error(`phiếu ${sub}: ô thiếu khóa hoặc giá trị / a fact without a key or value`);
        const w = writers[r]!;
        const c = w.cols;
        const i = w.n;
        c[0]![i] = id;
        c[1]![i] = eth;
        c[2]![i] = sex;
        c[3]![i] = value;
        c[4]![i] = sub;
        w.next();
        asEth[eth] = true;
        if (sex !== 0) {
          stages[r]!.bySex = true; // code 0 is 'T'
          asSex[sex] = true;
        }
        if (++n % batchRows === 0) onBatch(n);
      },
      { codes },
    );
    stages.forEach((s, i) => (s.rows = writers[i]!.close()));
    writers.length = 0;
    if (stages.reduce((a, s) => a + s.rows, 0) !== rows) throw new Error("staged rows ≠ rows read");
    const sw = await ChunkWriter.open(conn, STAGE_SUBMISSIONS, ["int", "int", "int", "timestamptz"]);
    for (const [sub, [period, unit, at]] of subs) sw.pushRaw([sub, period, unit, at]);
    sw.close();
    const cw = await ChunkWriter.open(conn, STAGE_CODES, ["int", "text"]);
    codes.forEach((c, i) => cw.push([i, c]));
    cw.close();
    await typeStageCodes(conn, asEth, asSex);
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
 * STAGE_CODES gets its codes as the fact table's types (a few rows): the sorted
 * insert joins enum values, never casting a string per row. Codes used as an
 * ethnicity or a sex that the type cannot hold are refused.
 */
async function typeStageCodes(conn: DuckDBConnection, asEth: boolean[], asSex: boolean[]): Promise<void> {
  await conn.run(`create or replace temp table ${STAGE_CODES} as
    select code, text, try_cast(text as ethnicity_code_t) as eth, try_cast(text as sex_t) as sex from ${STAGE_CODES}`);
  const rows = (await conn.runAndReadAll(`select code, text, eth is null as bad_eth, sex is null as bad_sex from ${STAGE_CODES} order by code`)).getRowObjects();
  refuseCodes("ethnicity", rows.filter((r) => r.bad_eth && asEth[Number(r.code)]).map((r) => String(r.text)));
  refuseCodes("sex", rows.filter((r) => r.bad_sex && asSex[Number(r.code)]).map((r) => String(r.text)));
}

function sameTimestamp(a: DuckDBValue, b: DuckDBValue): boolean {
  if (a === null || b === null) return a === b;
  return (a as DuckDBTimestampTZValue).micros === (b as DuckDBTimestampTZValue).micros;
}

/**
 * One stage range → fact_indicator_value: the stage joined back to its
 * submissions and codes, T = M + F derived for by-sex cells (only when the
 * range staged M/F rows), sorted by indicator, period, unit; the stage is
 * dropped. Ranges inserted in order leave the table in that order (zone maps
 * skip most row groups in selective queries) while every sort stays the size
 * of one range.
 */
export async function insertStageRange(conn: DuckDBConnection, s: StageRange): Promise<number> {
  const staged = `
    select r.indicator_id, b.period_id, b.unit_id, e.eth as ethnicity_code, x.sex as sex, r.value, r.submission_id, b.approved_at
      from ${s.table} r
      join ${STAGE_SUBMISSIONS} b using (submission_id)
      join ${STAGE_CODES} e on e.code = r.eth
      join ${STAGE_CODES} x on x.code = r.sex`;
  const r = await conn.run(`
    insert into fact_indicator_value
    ${s.bySex ? `with staged as materialized (${staged}), derived as (${derivedT("staged")}) select * from staged union all select * from derived` : staged}
    order by indicator_id, period_id, unit_id`);
  await conn.run(`drop table ${s.table}`);
  const written = Number(r.rowsChanged);
  if (!s.bySex && written !== s.rows) throw new Error(`${s.table}: ${s.rows} dòng tạm, ghi ${written} / staged ${s.rows}, wrote ${written}`);
  return written;
}

/** After the last range. */
export async function dropStageTables(conn: DuckDBConnection): Promise<void> {
  await conn.run(`drop table if exists ${STAGE_SUBMISSIONS}`);
  await conn.run(`drop table if exists ${STAGE_CODES}`);
}

/** T = M + F per cell (typed constants: compared as enums on the full stage, as text on the incremental one). */
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
