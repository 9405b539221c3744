/**
 * Public contract of the warehouse query layer. Dashboards, exports and the
 * API ask their questions in these terms; the layer turns them into bound
 * DuckDB SQL with the caller's scope applied inside (never by the caller).
 *
 * Everything returned is a plain object of numbers, strings and nulls.
 */
import type { Scope } from "../../app/scope/scope.ts";

/** Where units roll up to. `unit` = each reporting unit itself, no roll-up. */
export type UnitLevel = "province" | "department" | "district" | "commune" | "unit";

/** Group-by dimensions. The indicator is always part of the grouping. */
export type Dimension = "unit" | "ethnicity" | "period" | "year" | "sex" | "indicator";

export type Sex = "T" | "M" | "F";

export interface IndicatorFilters {
  /** Period codes, e.g. ["2023", "2024"]. Omitted = every period. */
  periods?: readonly string[];
  /** Years (on dim_period.year). Omitted = every year. */
  years?: readonly number[];
  /** Unit ids: facts of these units' subtrees. Intersected with the scope (an id outside it yields nothing). */
  unitIds?: readonly number[];
  /**
   * Ethnicity codes. "00" = all groups (row totals). When ethnicity is not a
   * group-by dimension and this is omitted, the total ("00") is used; several
   * codes without grouping are summed (e.g. all minority groups).
   */
  ethnicities?: readonly string[];
  /** Sex. Omitted and not grouped by sex = both sexes ("T"). */
  sex?: readonly Sex[];
  /** Indicator domains (population, poverty, …); also narrowed by the scope. */
  domains?: readonly string[];
}

export interface IndicatorQuery {
  /** Indicator codes from the catalogue (sum or ratio indicators). */
  indicators: readonly string[];
  /** Dimensions to group by besides the indicator. Default: none (one row per indicator). */
  groupBy?: readonly Dimension[];
  /** Level units roll up to when grouping by "unit". Default "unit". */
  unitLevel?: UnitLevel;
  filters?: IndicatorFilters;
  /** Order of rows. Default: by indicator, then the grouped dimensions. "value_desc"/"value_asc" for rankings. */
  orderBy?: "dimensions" | "value_desc" | "value_asc";
  /** Cap on rows (rankings). Max 100 000. */
  limit?: number;
}

/**
 * One result row. Dimension fields are present only when grouped by them.
 * value: sum indicators = sum of facts; ratio indicators = sum(numerator) /
 * sum(denominator) × ratio_scale over the same rows (never a mean of ratios),
 * null when the denominator is 0 or missing.
 */
export interface IndicatorRow {
  indicator: string;
  indicatorName: string;
  unitOfMeasure: string;
  aggregation: "sum" | "ratio";
  value: number | null;
  /** Ratio indicators: summed numerator and denominator; sum indicators: null. */
  numerator: number | null;
  denominator: number | null;
  /** Number of fact rows behind the value (for ratios: numerator + denominator facts). */
  facts: number;
  unitId?: number | null;
  unitCode?: string | null;
  unitName?: string | null;
  unitTier?: string | null;
  ethnicity?: string;
  ethnicityName?: string | null;
  periodId?: number;
  period?: string;
  periodLabel?: string;
  year?: number;
  sex?: Sex;
}

export interface IndicatorResult {
  rows: IndicatorRow[];
  /** Codes asked for that the catalogue doesn't know (no rows for them). */
  unknownIndicators: string[];
  /** Rows were capped by `limit`. */
  truncated: boolean;
  /**
   * Where the numbers came from: the base facts, or mart_indicator_node (a
   * pre-aggregated roll-up by province/district node, same numbers).
   * Absent when nothing was read.
   */
  source?: "facts" | "mart";
}

/** Completeness over fact_submission (expected reports × status). */
export interface CompletenessQuery {
  periods?: readonly string[];
  forms?: readonly string[];
  /** Level the reporting units roll up to (e.g. "district": one row per district). Default "district". */
  unitLevel?: UnitLevel;
  unitIds?: readonly number[];
}

export interface CompletenessRow {
  period: string;
  periodLabel: string;
  formCode: string;
  unitId: number | null;
  unitCode: string | null;
  unitName: string | null;
  expected: number;
  notStarted: number;
  draft: number;
  submitted: number;
  returned: number;
  approved: number;
  /** Approved on or before the deadline (first submission on time). */
  onTime: number;
  /** approved / expected × 100, null when nothing is expected. */
  approvedPct: number | null;
}

/** When the warehouse was last loaded (for "data as of"). */
export interface Freshness {
  loadedAt: string | null; // ISO
  watermark: string | null; // ISO: changes in Postgres up to this instant are in
  lastRunId: number | null;
  mode: string | null;
  facts: number;
}

/** The minimal read surface the query layer needs: the WarehouseService provides it. */
export interface WarehouseReader {
  /** Runs a bound query and returns plain objects (BIGINT/DECIMAL → number, dates → ISO strings). */
  all(sql: string, params?: readonly (string | number | boolean | null)[]): Promise<Record<string, unknown>[]>;
  /**
   * A value derived from the warehouse that changes only when a writer commits (the
   * indicator catalogue, the unit tree), computed once and kept until a writer
   * connection opens or closes. Readers without it compute every time.
   */
  memo?<T>(key: string, load: () => Promise<T>): Promise<T>;
  /** The same as `all`, column by column (no object per row): for results of thousands of rows. */
  columns?(sql: string, params?: readonly (string | number | boolean | null)[]): Promise<ResultColumns>;
}

/** A result as plain columns: `columns[j][i]` is row i of column `names[j]`. */
export interface ResultColumns {
  names: string[];
  columns: unknown[][];
  rowCount: number;
}

/** `wh.columns` where the reader has it, else `all` turned into columns. */
export async function readColumns(wh: WarehouseReader, sql: string, params: readonly (string | number | boolean | null)[] = []): Promise<ResultColumns> {
  if (wh.columns) return wh.columns(sql, params);
  const rows = await wh.all(sql, params);
  const names = rows.length > 0 ? Object.keys(rows[0]!) : [];
  return { names, columns: names.map((n) => rows.map((r) => r[n])), rowCount: rows.length };
}

/** `wh.memo` where the reader has one, else `load()`. */
export function memoised<T>(wh: WarehouseReader, key: string, load: () => Promise<T>): Promise<T> {
  return wh.memo ? wh.memo(key, load) : load();
}

export type { Scope };

export class QueryError extends Error {
  override name = "QueryError";
}
