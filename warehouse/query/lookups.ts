import { memoised, type WarehouseReader } from "./types.ts";

/**
 * The small look-ups every query needs before its SQL can be written: the
 * indicator catalogue, the marts' version and the unit tree's tiers. They
 * change only when the ETL commits, so a warehouse service keeps them between
 * requests (WarehouseService.memo) instead of asking DuckDB on every query.
 */
export interface IndicatorMeta {
  indicator_id: number;
  code: string;
  name_vi: string;
  unit_vi: string;
  domain: string;
  aggregation: "sum" | "ratio";
  numerator_id: number | null;
  denominator_id: number | null;
  ratio_scale: number | null;
}

export interface Catalogue {
  indicators: ReadonlyMap<string, IndicatorMeta>;
  /** etl_state.marts: the version of the marts the last run built (null: none). */
  marts: string | null;
}

export function catalogue(wh: WarehouseReader): Promise<Catalogue> {
  return memoised(wh, "catalogue", async () => {
    const [rows, state] = await Promise.all([
      wh.all(`select indicator_id, code, name_vi, unit_vi, domain, aggregation, numerator_id, denominator_id, ratio_scale from dim_indicator`),
      wh.all(`select value from etl_state where key = 'marts'`),
    ]);
    const indicators = new Map<string, IndicatorMeta>();
    for (const r of rows as unknown as IndicatorMeta[]) indicators.set(r.code, r);
    return {
      indicators,
      marts: state.length > 0 ? String(state[0]!.value) : null,
    };
  });
}

export interface DimUnit {
  unit_id: number;
  code: string;
  name: string;
  tier: string;
  path: string;
}
export interface DimPeriod {
  period_id: number;
  code: string;
  year: number;
  label_vi: string;
  start_date: string;
}
export interface Dimensions {
  units: readonly DimUnit[];
  unitById: ReadonlyMap<number, DimUnit>;
  periods: readonly DimPeriod[];
  periodById: ReadonlyMap<number, DimPeriod>;
  ethnicityName: ReadonlyMap<string, string>;
  /** Per-generation answers derived from the dimensions (e.g. which scopes see every unit). */
  derived: Map<string, unknown>;
}

/** The dimension members a query resolves in JS: unit, period and ethnicity attributes. */
export function dimensions(wh: WarehouseReader): Promise<Dimensions> {
  return memoised(wh, "dimensions", async () => {
    const [u, p, e] = await Promise.all([
      wh.all(`select unit_id, code, name, tier, path from dim_unit order by unit_id`),
      wh.all(`select period_id, code, year, label_vi, start_date from dim_period order by period_id`),
      wh.all(`select ethnicity_code, name_vi from dim_ethnicity`),
    ]);
    const units = u as unknown as DimUnit[];
    const periods = p as unknown as DimPeriod[];
    return {
      units,
      unitById: new Map(units.map((x) => [x.unit_id, x])),
      periods,
      periodById: new Map(periods.map((x) => [x.period_id, x])),
      ethnicityName: new Map(e.map((x) => [String(x.ethnicity_code), String(x.name_vi)])),
      derived: new Map(),
    };
  });
}

export interface UnitTiers {
  tierOfPath: ReadonlyMap<string, string>;
  tierOfId: ReadonlyMap<number, string>;
}

export async function unitTiers(wh: WarehouseReader): Promise<UnitTiers> {
  const d = await dimensions(wh);
  return derive(d, "unit-tiers", () => ({
    tierOfPath: new Map(d.units.map((x) => [x.path, x.tier])),
    tierOfId: new Map(d.units.map((x) => [x.unit_id, x.tier])),
  }));
}

/** Answers kept per generation; keys can carry a caller's unit ids, so the oldest go past this many. */
const MAX_DERIVED = 512;

/** `compute()` once per key and generation of the dimensions, in a bounded cache. */
export function derive<T>(dims: Dimensions, key: string, compute: () => T): T {
  if (dims.derived.has(key)) return dims.derived.get(key) as T;
  const value = compute();
  if (dims.derived.size >= MAX_DERIVED) dims.derived.delete(dims.derived.keys().next().value!);
  dims.derived.set(key, value);
  return value;
}
