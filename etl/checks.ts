import type { DuckDBConnection } from "@duckdb/node-api";
import { checkedCellsSql, loadChecks, type CheckSql } from "../warehouse/schema.ts";
import { plainRow } from "../warehouse/plain-values.ts";
import { indicatorSlices } from "./indicator-slices.ts";

export interface CheckResult {
  name: string;
  rows: number;
  ms: number;
  sample: Record<string, unknown>[];
}

/**
 * The checks of a full rebuild, run over the final tables in two parts:
 * checks marked "-- partition: indicator" compare facts of one indicator only
 * (cells never span indicators), so `range(lo, hi)` runs them over the facts
 * of one indicator range right after that range was written (still in the
 * buffer pool, small hash tables); `finish()` runs the other checks over
 * whole tables and returns every check's result. Every fact lies in exactly
 * one range (the ranges cover every integer), so the union of the ranges'
 * results is the result over the whole table.
 */
export class FullChecks {
  private readonly checks = loadChecks();
  private readonly results = new Map<string, { rows: Record<string, unknown>[]; ms: number }>();
  constructor(private readonly conn: DuckDBConnection) {
    for (const c of this.checks) this.results.set(c.name, { rows: [], ms: 0 });
  }

  async range(lo: number | null, hi: number | null): Promise<void> {
    if (lo !== null && (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi))) throw new Error("bad indicator range");
    const where = lo === null ? "" : ` where indicator_id between ${lo} and ${hi}`;
    await this.conn.run(`create or replace temp view checked_facts as select * from fact_indicator_value${where}`);
    await this.conn.run(`create or replace temp view grain_facts as select * from fact_indicator_value${where}`);
    await prepareCells(this.conn);
    for (const c of this.checks.filter((c) => PARTITIONED.test(c.sql))) await this.run(c);
  }

  async finish(): Promise<CheckResult[]> {
    await this.conn.run("create or replace temp view checked_facts as select * from fact_indicator_value");
    await this.conn.run("create or replace temp view grain_facts as select * from fact_indicator_value");
    for (const c of this.checks.filter((c) => !PARTITIONED.test(c.sql))) await this.run(c);
    return this.checks.map((c) => {
      const r = this.results.get(c.name)!;
      return { name: c.name, rows: Math.min(r.rows.length, 100), ms: Math.round(r.ms), sample: r.rows.slice(0, 5) };
    });
  }

  private async run(c: CheckSql): Promise<void> {
    const r = this.results.get(c.name)!;
    if (r.rows.length >= 100) return;
    const t0 = performance.now();
    const reader = await this.conn.runAndReadAll(c.sql);
    r.rows.push(...reader.getRowObjects().map(plainRow));
    r.ms += performance.now() - t0;
  }
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
    // Per slice of indicators (the table is sorted by indicator: each slice is a few row groups).
    const full = new FullChecks(conn);
    for (const [lo, hi] of await indicatorSlices(conn)) await full.range(lo, hi);
    return full.finish();
  } else {
    await conn.run(
      `create or replace temp view checked_facts as select * from fact_indicator_value where submission_id in (select submission_id from ${scope.batchTable})`,
    );
    await conn.run(`create or replace temp view grain_facts as
      select f.* from fact_indicator_value f
       semi join (select distinct indicator_id, period_id, unit_id from checked_facts) k using (indicator_id, period_id, unit_id)`);
  }
  await prepareCells(conn);
  const out: CheckResult[] = [];
  for (const c of checks) {
    const t0 = performance.now();
    const reader = await conn.runAndReadAll(c.sql);
    const rows = reader.getRowObjects().map(plainRow);
    out.push({ name: c.name, rows: rows.length, ms: Math.round(performance.now() - t0), sample: rows.slice(0, 5) });
  }
  return out;
}

/** `checked_cells` over the current `grain_facts` (see warehouse/checks/prepare/checked_cells.sql). */
async function prepareCells(conn: DuckDBConnection): Promise<void> {
  await conn.run(`create or replace temp table checked_cells as ${checkedCellsSql()}`);
}

const PARTITIONED = /^--\s*partition:\s*indicator\s*$/m;
