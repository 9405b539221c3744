import type { DuckDBConnection } from "@duckdb/node-api";
import { tableDdlAs, type WarehouseTable } from "../warehouse/schema.ts";
import type { FullChecks } from "./checks.ts";
import { InjectedFailure } from "./errors.ts";
import { writeFactRange, type FactRanges } from "./full-facts.ts";
import { DIM_TABLES, writeDims, type DimRows } from "./load-dims.ts";
import { martsSumsOfRange } from "./load-marts.ts";

/**
 * The build tables of a full rebuild. The dimensions, the facts and the
 * sum-mart rows are written into them before the run's transaction (so that a
 * second connection can write facts while the first computes marts and
 * checks); the transaction then swaps them in for the live tables. Readers see
 * the live tables, old until that commit and new after it; a killed run leaves
 * only build tables, which every run drops first.
 */
const BUILT: WarehouseTable[] = [...DIM_TABLES, "fact_indicator_value", "mart_indicator_node"];
export const buildName = (t: WarehouseTable) => `${t}__build`;
export const FACT_BUILD = buildName("fact_indicator_value");
export const MART_BUILD = buildName("mart_indicator_node");

/** Drops build tables left by a run that failed or was killed. */
export async function dropBuildTables(conn: DuckDBConnection): Promise<void> {
  for (const t of BUILT) await conn.run(`drop table if exists ${buildName(t)}`);
}

/**
 * Creates the build tables (the dimensions filled with `dims`) and, on `conn`
 * (this run's connection), temp views that shadow the live names with them:
 * the marts' and checks' SQL runs unchanged against the build.
 */
export async function startBuild(conn: DuckDBConnection, dims: DimRows): Promise<void> {
  for (const t of BUILT) await conn.run(tableDdlAs(t, buildName(t)));
  await writeDims(conn, dims, buildName);
  for (const t of BUILT) await conn.run(`create or replace temp view ${t} as select * from main.${buildName(t)}`);
}

/** Drops the shadowing views: the live names are the live tables again. */
export async function endBuild(conn: DuckDBConnection): Promise<void> {
  for (const t of BUILT) await conn.run(`drop view if exists ${t}`);
}

/** Inside the run's transaction: the build tables replace the live ones. */
export async function swapInBuild(conn: DuckDBConnection): Promise<void> {
  for (const t of BUILT) {
    await conn.run(`drop table if exists ${t}`);
    await conn.run(`alter table ${buildName(t)} rename to ${t}`);
  }
}

/**
 * Writes every range of `read` into the build's fact table on `writer`, one
 * commit per range (the appender's own flushes would each commit ~200 k rows),
 * while `conn` builds the previous range's sum-mart rows and runs its
 * partitioned checks. Returns the facts written. `onRange` is called before
 * each range; `failAfterRanges` (tests) throws after that many were committed.
 */
export async function buildRanges(args: {
  conn: DuckDBConnection;
  writer: DuckDBConnection;
  read: FactRanges;
  checks: FullChecks;
  onRange: () => void;
  failAfterRanges?: number;
}): Promise<number> {
  const { conn, writer, read, checks } = args;
  let written = 0;
  let pending: Promise<void> | null = null;
  try {
    for (let i = 0; i < read.ranges.length; i++) {
      args.onRange();
      await writer.run("begin transaction");
      written += await writeFactRange(writer, read, i, { table: FACT_BUILD });
      await writer.run("commit");
      if (args.failAfterRanges !== undefined && i + 1 >= args.failAfterRanges)
        throw new InjectedFailure(`lỗi giả lập sau ${i + 1} khoảng / injected failure after ${i + 1} ranges written`);
      await pending;
      const { lo, hi } = read.ranges[i]!;
      const next = martsSumsOfRange(conn, lo, hi, MART_BUILD).then(() => checks.range(lo, hi));
      next.catch(() => undefined); // awaited on the next turn; handled meanwhile
      pending = next;
    }
    await pending;
  } finally {
    await pending?.catch(() => undefined); // never leave a statement running on `conn`
  }
  return written;
}
