import type { DuckDBConnection } from "@duckdb/node-api";
import { tableDdlAs } from "../warehouse/schema.ts";
import { DIM_TABLES, writeDims, type DimRows } from "./load-dims.ts";
import { startMartsFull } from "./load-marts.ts";

/**
 * The build tables of a full rebuild. The facts and the sum-mart rows are
 * written into them before the run's transaction (so that a second connection
 * can write facts while the first computes marts and checks); the transaction
 * then swaps them in for the live tables. Readers see the live tables, old
 * until that commit and new after it; a killed run leaves only build tables,
 * which every run drops first.
 */
export const FACT_BUILD = "fact_indicator_value__build";
export const MART_BUILD = "mart_indicator_node__build";

/** Temp copy of a dimension that the build reads (the live one changes only in the transaction). */
const dimCopy = (t: string) => `etl_build_${t}`;

/** Drops build tables left by a run that failed or was killed. */
export async function dropBuildTables(conn: DuckDBConnection): Promise<void> {
  await conn.run(`drop table if exists ${FACT_BUILD}`);
  await conn.run(`drop table if exists ${MART_BUILD}`);
}

/**
 * Creates the empty build tables, and on `conn` (this run's connection) temp
 * views that shadow the live names: dimensions → this run's rows (temp
 * tables), fact_indicator_value → the build table. The marts' and checks' SQL
 * run unchanged against the build.
 */
export async function startBuild(conn: DuckDBConnection, dims: DimRows): Promise<void> {
  await conn.run(tableDdlAs("fact_indicator_value", FACT_BUILD));
  await startMartsFull(conn, MART_BUILD);
  for (const t of DIM_TABLES) await conn.run(`create or replace temp table ${dimCopy(t)} as select * from main.${t} limit 0`);
  await writeDims(conn, dims, dimCopy);
  for (const t of DIM_TABLES) await conn.run(`create or replace temp view ${t} as select * from ${dimCopy(t)}`);
  await conn.run(`create or replace temp view fact_indicator_value as select * from main.${FACT_BUILD}`);
}

/** Drops the shadowing views and dimension copies: the live names are the live tables again. */
export async function endBuild(conn: DuckDBConnection): Promise<void> {
  await conn.run("drop view if exists fact_indicator_value");
  for (const t of DIM_TABLES) {
    await conn.run(`drop view if exists ${t}`);
    await conn.run(`drop table if exists ${dimCopy(t)}`);
  }
}

/** Inside the run's transaction: the build tables replace the live ones. */
export async function swapInBuild(conn: DuckDBConnection): Promise<void> {
  await conn.run("drop table if exists fact_indicator_value");
  await conn.run(`alter table ${FACT_BUILD} rename to fact_indicator_value`);
  await conn.run("drop table if exists mart_indicator_node");
  await conn.run(`alter table ${MART_BUILD} rename to mart_indicator_node`);
}
