import type { DuckDBConnection } from "@duckdb/node-api";

/**
 * fact_indicator_value cut into contiguous indicator id ranges of about
 * SLICE_FACTS facts. Work that never mixes indicators (cell checks, the
 * marts) runs per slice on a full rebuild: the table is sorted by indicator,
 * so a slice is a few row groups found by zone maps, and its hash tables and
 * sorts stay small instead of spanning every fact of the warehouse.
 */
/** Facts per slice. */
const SLICE_FACTS = 2_000_000;

/** Contiguous indicator id ranges of about SLICE_FACTS facts each (integers, safe to inline). */
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
