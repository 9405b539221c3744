import type { DuckDBConnection } from "@duckdb/node-api";
import { loadChecks } from "../warehouse/schema.ts";
import { plainRow } from "../warehouse/plain-values.ts";
import { indicatorSlices } from "./indicator-slices.ts";

export interface CheckResult {
  name: string;
  rows: number;
  ms: number;
  sample: Record<string, unknown>[];
}

/**
 * Runs warehouse/checks/*.sql inside the load's transaction (so they see the
 * new state before anyone else does). `checked_facts` is a temp view over the
 * facts this run wrote: all of them on a full rebuild, those of the changed
 * submissions on an incremental run.
 */
export async function runChecks(conn: DuckDBConnection, scope: { all: true } | { batchTable: string }): Promise<CheckResult[]> {
  const checks = loadChecks();
  if ("all" in scope) {
    // Checks marked "-- partition: indicator" compare facts of one indicator only (cells never
    // span indicators): on a full rebuild they run per slice of indicators. The table is sorted
    // by indicator, so each slice is a few row groups found by zone maps and its hash tables
    // stay small, instead of one hash table keyed by every cell of the warehouse.
    const slices = await indicatorSlices(conn);
    const out: CheckResult[] = [];
    for (const c of checks) {
      const t0 = performance.now();
      const rows: Record<string, unknown>[] = [];
      for (const [lo, hi] of PARTITIONED.test(c.sql) ? slices : [[null, null]]) {
        const where = lo === null ? "" : ` where indicator_id between ${lo} and ${hi}`;
        await conn.run(`create or replace temp view checked_facts as select * from fact_indicator_value${where}`);
        await conn.run(`create or replace temp view grain_facts as select * from fact_indicator_value${where}`);
        const reader = await conn.runAndReadAll(c.sql);
        rows.push(...reader.getRowObjects().map(plainRow));
        if (rows.length >= 100) break;
      }
      out.push({ name: c.name, rows: Math.min(rows.length, 100), ms: Math.round(performance.now() - t0), sample: rows.slice(0, 5) });
    }
    return out;
  } else {
    await conn.run(
      `create or replace temp view checked_facts as select * from fact_indicator_value where submission_id in (select submission_id from ${scope.batchTable})`,
    );
    await conn.run(`create or replace temp view grain_facts as
      select f.* from fact_indicator_value f
       semi join (select distinct indicator_id, period_id, unit_id from checked_facts) k using (indicator_id, period_id, unit_id)`);
  }
  const out: CheckResult[] = [];
  for (const c of checks) {
    const t0 = performance.now();
    const reader = await conn.runAndReadAll(c.sql);
    const rows = reader.getRowObjects().map(plainRow);
    out.push({ name: c.name, rows: rows.length, ms: Math.round(performance.now() - t0), sample: rows.slice(0, 5) });
  }
  return out;
}

const PARTITIONED = /^--\s*partition:\s*indicator\s*$/m;
