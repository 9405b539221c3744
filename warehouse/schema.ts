import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The warehouse DDL, in dependency order, read from warehouse/*.sql. */
export const WAREHOUSE_DIR = path.dirname(fileURLToPath(import.meta.url));

export const TABLES = ["dim_unit", "dim_ethnicity", "dim_period", "dim_indicator", "fact_indicator_value", "fact_submission", "etl_state", "mart_indicator_node", "mart_submission_node"] as const;
export type WarehouseTable = (typeof TABLES)[number];

/** The code types the tables use (warehouse/types.sql): run before any table's DDL. */
export function typesDdl(): string {
  return readFileSync(path.join(WAREHOUSE_DIR, "types.sql"), "utf8");
}

export function tableDdl(table: WarehouseTable): string {
  return readFileSync(path.join(WAREHOUSE_DIR, `${table}.sql`), "utf8");
}

/** DDL of a table under another name (build tables of a full rebuild). */
export function tableDdlAs(table: WarehouseTable, name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad table name ${name}`);
  return tableDdl(table).replace(new RegExp(`create table if not exists ${table}\\b`), `create table ${name}`);
}

export interface CheckSql {
  name: string;
  sql: string;
}

/** Version of the marts' definition: see marts-version.ts (kept apart so route bundles never import this file). */
export { MARTS_VERSION } from "./marts-version.ts";

/** Build SQL of a mart: warehouse/marts/<name>.sql (a select; see the file for the temp tables it reads). */
export function martSql(name: "mart_indicator_node_sums" | "mart_indicator_node_ratios" | "mart_submission_node"): string {
  return readFileSync(path.join(WAREHOUSE_DIR, "marts", `${name}.sql`), "utf8");
}

/**
 * The cells summary the within-cell checks read (warehouse/checks/prepare/checked_cells.sql,
 * over `grain_facts`): the runner materialises it as the temp table `checked_cells` first.
 */
export function checkedCellsSql(): string {
  return readFileSync(path.join(WAREHOUSE_DIR, "checks", "prepare", "checked_cells.sql"), "utf8");
}

/** Data-quality checks: warehouse/checks/*.sql, each returns the failing rows. */
export function loadChecks(): CheckSql[] {
  const dir = path.join(WAREHOUSE_DIR, "checks");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((f) => ({ name: f.replace(/\.sql$/, ""), sql: readFileSync(path.join(dir, f), "utf8") }));
}
