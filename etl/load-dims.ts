import type { DuckDBConnection } from "@duckdb/node-api";
import type { Db } from "../app/db/knex.server.ts";
import { ChunkWriter, type ColKind } from "./table-appender.ts";

/**
 * Dimensions are small (≈ 11 000 units at national scale): every run
 * replaces them inside its transaction, so a renamed unit or a new period is
 * visible together with the facts that need it.
 */
async function replace(conn: DuckDBConnection, table: string, kinds: ColKind[], rows: unknown[][]): Promise<number> {
  await conn.run(`delete from ${table}`);
  const w = await ChunkWriter.open(conn, table, kinds);
  for (const r of rows) w.push(r);
  return w.close();
}

interface UnitRow {
  id: number;
  code: string;
  gso_code: string | null;
  name: string;
  tier: string;
  kind: string;
  parent_id: number | null;
  path: string;
  valid_from: string;
  valid_to: string | null;
}

/** The dimension tables' rows, read from Postgres once per run. */
export interface DimRows {
  dim_unit: unknown[][];
  dim_ethnicity: unknown[][];
  dim_period: unknown[][];
  dim_indicator: unknown[][];
}

const DIM_KINDS: Record<keyof DimRows, ColKind[]> = {
  dim_unit: ["int", "text", "text", "text", "text", "text", "int", "text", "int", "int", "text", "text", "int", "text", "text", "int", "text", "text", "int", "text", "text", "date", "date"],
  dim_ethnicity: ["text", "text", "text", "bool", "bool", "int"],
  dim_period: ["int", "text", "text", "int", "int", "int", "int", "int", "date", "date", "date", "date", "text", "text", "text", "bool"],
  dim_indicator: ["int", "text", "text", "text", "text", "text", "text", "text", "text", "text", "int", "text", "int", "text", "double"],
};
export const DIM_TABLES = Object.keys(DIM_KINDS) as (keyof DimRows)[];

/**
 * Replaces every dimension table with `dims` (inside the run's transaction).
 * `nameOf` maps a dimension to the table written (a full rebuild writes its
 * build tables, swapped in by its transaction).
 */
export async function writeDims(
  conn: DuckDBConnection,
  dims: DimRows,
  nameOf: (table: keyof DimRows) => string = (t) => t,
): Promise<{ units: number; periods: number; indicators: number; ethnicities: number }> {
  const n = async (t: keyof DimRows) => replace(conn, nameOf(t), DIM_KINDS[t], dims[t]);
  return { units: await n("dim_unit"), ethnicities: await n("dim_ethnicity"), periods: await n("dim_period"), indicators: await n("dim_indicator") };
}

/** Reads and writes the dimensions (inside the run's transaction). */
export async function loadDims(db: Db, conn: DuckDBConnection): Promise<{ units: number; periods: number; indicators: number; ethnicities: number }> {
  return writeDims(conn, await readDims(db));
}

export async function readDims(db: Db): Promise<DimRows> {
  const units: UnitRow[] = await db("units").select("id", "code", "gso_code", "name", "tier", "kind", "parent_id", "path", "valid_from", "valid_to");
  const byId = new Map(units.map((u) => [u.id, u]));
  const unitRows = units.map((u) => {
    const chain = u.path.split("/").filter(Boolean).map(Number).map((id) => byId.get(id));
    const at = (tier: string) => chain.find((a) => a?.tier === tier) ?? null;
    const prov = at("province");
    const dep = at("department");
    const dis = at("district");
    const com = at("commune");
    return [
      u.id, u.code, u.gso_code, u.name, u.tier, u.kind, u.parent_id, u.path, chain.length,
      prov?.id, prov?.name, prov?.code, dep?.id, dep?.name, dep?.code, dis?.id, dis?.name, dis?.code, com?.id, com?.name, com?.code,
      u.valid_from, u.valid_to,
    ];
  });

  const eths = await db("ethnicities").select("code", "name_vi", "name_en", "is_minority", "sort_order").orderBy("sort_order");
  const ethRows: unknown[][] = [["00", "Tất cả các dân tộc", "All ethnic groups", null, true, 0], ...eths.map((e) => [e.code, e.name_vi, e.name_en, e.is_minority, false, e.sort_order])];

  const periods = await db("periods").select("*");
  const perRows = periods.map((p) => [p.id, p.code, p.type, p.year, p.end_year, p.half, p.quarter, p.month, p.start_date, p.end_date, p.reference_date, p.deadline, p.status, p.label_vi, p.label_en, p.is_demo]);

  const inds = await db("indicators").select("*").orderBy("id");
  const idOf = new Map(inds.map((i) => [i.code as string, i.id as number]));
  const indRows = inds.map((i) => [
      i.id, i.code, i.name_vi, i.name_en, i.domain, i.unit_vi, i.unit_en, i.value_type, i.disaggregation, i.aggregation,
      i.numerator_code ? (idOf.get(i.numerator_code) ?? null) : null, i.numerator_code,
      i.denominator_code ? (idOf.get(i.denominator_code) ?? null) : null, i.denominator_code, i.ratio_scale,
    ]);
  return { dim_unit: unitRows, dim_ethnicity: ethRows, dim_period: perRows, dim_indicator: indRows };
}
