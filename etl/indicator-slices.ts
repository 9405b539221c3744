import type { DuckDBConnection } from "@duckdb/node-api";
import type { Db } from "../app/db/knex.server.ts";
import { pgQuery } from "./pg-query.ts";

/**
 * Contiguous indicator id ranges of about SLICE_FACTS facts. Work that never
 * mixes indicators (the sorted insert, cell checks, the marts) runs per range
 * on a full rebuild: its hash tables and sorts stay small instead of spanning
 * every fact of the warehouse.
 */
/** Facts per slice. */
export const SLICE_FACTS = 2_000_000;
/** A full rebuild of fewer facts still gets this many ranges, each of at least MIN_RANGE_FACTS. */
const MIN_RANGES = 4;
const MIN_RANGE_FACTS = 250_000;

const INT_MIN = -2_147_483_648;
const INT_MAX = 2_147_483_647;

/**
 * Indicator id ranges for a full rebuild, planned before any fact is read:
 * they cover every integer (an unexpected id still lands in exactly one
 * range) and each holds about `sliceFacts` of the `estimate` facts. The
 * `estimate` is Postgres' row estimate of submission_values (its size when
 * never analysed). The expected share of each indicator comes from Postgres' statistics of
 * submission_values.indicator_id (its most common values), the rest spread
 * evenly over the other sum indicators of dim_indicator.
 */
export async function planIndicatorRanges(
  db: Db,
  conn: DuckDBConnection,
  estimate: number | null,
  sliceFacts = SLICE_FACTS,
): Promise<[number, number][]> {
  const ids = (await conn.runAndReadAll("select indicator_id from dim_indicator where aggregation = 'sum' order by 1"))
    .getRowObjects()
    .map((r) => Number(r.indicator_id));
  if (!ids.every(Number.isSafeInteger)) throw new Error("bad indicator id");
  let total = estimate ?? 0;
  if (total <= 0) {
    // never analysed (reltuples unknown): guess from the table's size, ~60 bytes a value row
    const [size] = await pgQuery<{ bytes: number }>(db, "select pg_relation_size('submission_values')::float8 as bytes");
    total = Math.max(1, Math.round(Number(size?.bytes ?? 0) / 60));
  }
  // at least MIN_RANGES (of MIN_RANGE_FACTS or more) so that writing one range overlaps the marts
  // and checks of the one before (etl/full-build.ts)
  const wanted = Math.max(Math.ceil(total / sliceFacts), Math.min(MIN_RANGES, Math.floor(total / MIN_RANGE_FACTS)));
  const nRanges = Math.max(1, Math.min(ids.length, wanted));
  if (nRanges === 1 || ids.length === 0) return [[INT_MIN, INT_MAX]];
  const known = new Map<number, number>();
  const [stats] = await pgQuery<{ vals: string | null; freqs: number[] | null }>(
    db,
    `select most_common_vals::text as vals, most_common_freqs as freqs
       from pg_stats where schemaname = current_schema() and tablename = 'submission_values' and attname = 'indicator_id'`,
  );
  if (stats?.vals && stats.freqs) {
    const vals = stats.vals.replace(/[{}]/g, "").split(",").map(Number);
    vals.forEach((v, i) => known.set(v, Number(stats.freqs![i] ?? 0)));
  }
  const knownShare = ids.reduce((a, id) => a + (known.get(id) ?? 0), 0);
  const others = ids.filter((id) => !known.has(id)).length;
  const rest = others > 0 ? Math.max(0, 1 - knownShare) / others : 0;
  const weights = ids.map((id) => known.get(id) ?? rest);
  const sum = weights.reduce((a, w) => a + w, 0) || 1;
  const target = sum / nRanges;
  const ranges: [number, number][] = [];
  let lo = INT_MIN;
  let acc = 0;
  for (let i = 0; i < ids.length - 1; i++) {
    acc += weights[i]!;
    if (acc >= target * (ranges.length + 1) - 1e-12 && ranges.length < nRanges - 1) {
      ranges.push([lo, ids[i]!]);
      lo = ids[i]! + 1;
    }
  }
  ranges.push([lo, INT_MAX]);
  return ranges;
}

/** Contiguous indicator id ranges of about SLICE_FACTS facts each in `table` (integers, safe to inline). */
export async function indicatorSlices(conn: DuckDBConnection, table = "fact_indicator_value", opts: { maxSlices?: number } = {}): Promise<[number, number][]> {
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`bad table name ${table}`);
  const r = await conn.runAndReadAll(`select indicator_id, count(*)::bigint as n from ${table} group by 1 order by 1`);
  const counts = r.getRowObjects();
  const total = counts.reduce((a, row) => a + Number(row.n), 0);
  const target = opts.maxSlices ? Math.max(SLICE_FACTS, Math.ceil(total / opts.maxSlices)) : SLICE_FACTS;
  const slices: [number, number][] = [];
  let lo: number | null = null;
  let acc = 0;
  let last = 0;
  for (const row of counts) {
    // a fact without an indicator belongs to no slice: refuse rather than drop it
    if (row.indicator_id === null) throw new Error(`${table}: dòng thiếu chỉ tiêu / a row without indicator_id`);
    const id = Number(row.indicator_id);
    if (!Number.isSafeInteger(id)) throw new Error("bad indicator id");
    if (lo === null) lo = id;
    acc += Number(row.n);
    last = id;
    if (acc >= target) {
      slices.push([lo, id]);
      lo = null;
      acc = 0;
    }
  }
  if (lo !== null) slices.push([lo, last]);
  return slices.length > 0 ? slices : [[0, -1]];
}
