import type { Scope } from "../../app/scope/scope.ts";
import { marks, scopePredicate } from "./scope-sql.ts";
import { levelColumns } from "./unit-level.ts";
import { martLevelFor, type MartLevel } from "./mart-route.ts";
import { MARTS_VERSION } from "../marts-version.ts";
import {
  QueryError,
  type Dimension,
  type IndicatorQuery,
  type IndicatorResult,
  type IndicatorRow,
  type Sex,
  type WarehouseReader,
} from "./types.ts";

type P = string | number | boolean | null;

const CODE_RE = /^[A-Z0-9_]{2,40}$/;
const ETH_RE = /^\d{2}$/;
const SEXES: readonly Sex[] = ["T", "M", "F"];
const DIMENSIONS: readonly Dimension[] = ["unit", "ethnicity", "period", "year", "sex", "indicator"];
const MAX_LIMIT = 100_000;

interface IndicatorMeta {
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

function validate(q: IndicatorQuery): void {
  if (!Array.isArray(q.indicators) || q.indicators.length === 0) throw new QueryError("Cần ít nhất một chỉ tiêu / at least one indicator");
  if (q.indicators.length > 200) throw new QueryError("Tối đa 200 chỉ tiêu / at most 200 indicators");
  for (const c of q.indicators) if (!CODE_RE.test(c)) throw new QueryError(`Mã chỉ tiêu không hợp lệ / bad indicator code: ${String(c).slice(0, 50)}`);
  for (const d of q.groupBy ?? []) if (!DIMENSIONS.includes(d)) throw new QueryError(`Chiều không hợp lệ / bad dimension: ${String(d).slice(0, 30)}`);
  const f = q.filters ?? {};
  for (const e of f.ethnicities ?? []) if (!ETH_RE.test(e)) throw new QueryError(`Mã dân tộc không hợp lệ / bad ethnicity code: ${String(e).slice(0, 10)}`);
  for (const s of f.sex ?? []) if (!SEXES.includes(s)) throw new QueryError(`Giới tính không hợp lệ / bad sex: ${String(s).slice(0, 5)}`);
  for (const id of f.unitIds ?? []) if (!Number.isInteger(id)) throw new QueryError("Mã đơn vị không hợp lệ / bad unit id");
  for (const y of f.years ?? []) if (!Number.isInteger(y)) throw new QueryError("Năm không hợp lệ / bad year");
  if (q.limit !== undefined && (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > MAX_LIMIT)) throw new QueryError("limit ngoài khoảng 1..100000");
}

/**
 * indicator codes × group-by dimensions × filters, with the caller's scope
 * applied inside. Sum indicators are summed over the rows that fall into each
 * group (so communes roll up into districts and the province); ratio
 * indicators are recomputed from the summed numerator and denominator over the
 * cells where both were reported — never a mean of ratios.
 *
 * Domain restrictions of a scope apply to the indicator asked for (a ratio's
 * own domain covers its numerator and denominator).
 */
export async function queryIndicators(wh: WarehouseReader, scope: Scope, q: IndicatorQuery): Promise<IndicatorResult> {
  validate(q);
  const f = q.filters ?? {};
  const group = new Set<Dimension>(q.groupBy ?? []);
  const level = q.unitLevel ?? "unit";

  // Empty filter lists mean "none of them": nothing to return.
  const emptyFilter = [f.periods, f.years, f.unitIds, f.ethnicities, f.sex, f.domains].some((l) => l !== undefined && l.length === 0);

  const codes = [...new Set(q.indicators)];
  const [metaRows0, martLevel] = await Promise.all([
    wh.all(
      `select indicator_id, code, name_vi, unit_vi, domain, aggregation, numerator_id, denominator_id, ratio_scale,
              (select value from etl_state where key = 'marts') as marts
         from dim_indicator where code in (${marks(codes.length)})`,
      codes,
    ),
    emptyFilter ? Promise.resolve(null) : martLevelFor(wh, scope, group, level, f),
  ]);
  const meta = metaRows0 as unknown as (IndicatorMeta & { marts: string | null })[];
  // The marts are used only once an ETL run has built them (etl_state.marts).
  const mart: MartLevel | null = martLevel !== null && meta.length > 0 && meta[0]!.marts === MARTS_VERSION ? martLevel : null;
  const known = new Map(meta.map((m) => [m.code, m]));
  const unknownIndicators = codes.filter((c) => !known.has(c));
  if (emptyFilter || known.size === 0) return { rows: [], unknownIndicators, truncated: false };

  // req: one row per (asked indicator, component fact indicator, role).
  // From the mart: one row per asked indicator (ratio rows are keyed by the ratio's own id).
  const reqRows: string[] = [];
  const params: P[] = [];
  const factIds = new Set<number>();
  for (const m of known.values()) {
    if (mart) {
      if (m.aggregation === "ratio" && (m.numerator_id == null || m.denominator_id == null)) continue;
      reqRows.push("(?, ?, ?::integer, 'm')");
      params.push(m.code, m.domain, m.indicator_id);
      factIds.add(m.indicator_id);
    } else if (m.aggregation === "ratio") {
      if (m.numerator_id == null || m.denominator_id == null) continue;
      reqRows.push("(?, ?, ?::integer, 'n')", "(?, ?, ?::integer, 'd')");
      params.push(m.code, m.domain, m.numerator_id, m.code, m.domain, m.denominator_id);
      factIds.add(m.numerator_id).add(m.denominator_id);
    } else {
      reqRows.push("(?, ?, ?::integer, 'v')");
      params.push(m.code, m.domain, m.indicator_id);
      factIds.add(m.indicator_id);
    }
  }
  if (reqRows.length === 0) return { rows: [], unknownIndicators, truncated: false };

  const where: string[] = [];
  // The indicator ids again as a constant list: zone maps skip the row groups of other indicators.
  where.push(`f.indicator_id in (${marks(factIds.size)})`);
  params.push(...factIds);
  if (mart) {
    where.push("f.level = ?");
    params.push(mart);
  }
  const scopeSql = scopePredicate(scope, "u.path", "r.req_domain");
  where.push(scopeSql.sql);
  params.push(...scopeSql.params);

  if (f.domains) {
    where.push(`r.req_domain in (${marks(f.domains.length)})`);
    params.push(...f.domains);
  }
  if (f.periods) {
    where.push(`p.code in (${marks(f.periods.length)})`);
    params.push(...f.periods);
  }
  if (f.years) {
    where.push(`p.year in (${marks(f.years.length)})`);
    params.push(...f.years);
  }
  if (f.unitIds) {
    // subtree of each named unit; ids outside the scope add nothing (the scope predicate still applies)
    where.push(`exists (select 1 from dim_unit fu where fu.unit_id in (${marks(f.unitIds.length)}) and starts_with(u.path, fu.path))`);
    params.push(...f.unitIds);
  }
  // Ethnicity: row totals ("00") unless grouped or filtered.
  if (f.ethnicities) {
    if (!group.has("ethnicity") && f.ethnicities.includes("00") && f.ethnicities.length > 1)
      throw new QueryError("Không cộng tổng '00' với từng dân tộc / '00' (all groups) cannot be summed with single groups");
    where.push(`f.ethnicity_code in (${marks(f.ethnicities.length)})`);
    params.push(...f.ethnicities);
  } else if (!group.has("ethnicity")) {
    where.push("f.ethnicity_code = '00'");
  }
  // Sex: both ("T") unless grouped or filtered.
  if (f.sex) {
    if (!group.has("sex") && f.sex.includes("T") && f.sex.length > 1)
      throw new QueryError("Không cộng 'T' với 'M'/'F' / 'T' (both) cannot be summed with M or F");
    where.push(`f.sex in (${marks(f.sex.length)})`);
    params.push(...f.sex);
  } else if (!group.has("sex")) {
    where.push("f.sex = 'T'");
  }

  // Dimension expressions (inner query) and their output columns.
  const dimSel: string[] = [];
  const dimCols: string[] = [];
  if (group.has("unit") && mart) {
    // the node itself is the unit of the row (its own dim_unit row: same id, code and name)
    dimSel.push("u.unit_id as unit_id", "u.code as unit_code", "u.name as unit_name", `'${mart}' as unit_tier`);
    dimCols.push("unit_id", "unit_code", "unit_name", "unit_tier");
  } else if (group.has("unit")) {
    const c = levelColumns(level);
    dimSel.push(`${c.id} as unit_id`, `${c.code} as unit_code`, `${c.name} as unit_name`, `${c.tier} as unit_tier`);
    dimCols.push("unit_id", "unit_code", "unit_name", "unit_tier");
    where.push(`${c.id} is not null`);
  }
  if (group.has("ethnicity")) {
    dimSel.push("f.ethnicity_code as ethnicity", "e.name_vi as ethnicity_name", "coalesce(e.sort_order, 999) as ethnicity_sort");
    dimCols.push("ethnicity", "ethnicity_name", "ethnicity_sort");
  }
  if (group.has("period")) {
    dimSel.push("p.period_id as period_id", "p.code as period", "p.label_vi as period_label", "p.start_date as period_start");
    dimCols.push("period_id", "period", "period_label", "period_start");
  }
  if (group.has("year")) {
    dimSel.push("p.year as year");
    dimCols.push("year");
  }
  if (group.has("sex")) {
    dimSel.push("f.sex as sex");
    dimCols.push("sex");
  }

  const metaRows: string[] = [];
  for (const m of known.values()) {
    metaRows.push("(?, ?, ?::double)");
    params.push(m.code, m.aggregation, m.ratio_scale ?? 1);
  }

  const outerDims = dimCols.map((c) => `c.${c}`);
  const orderDims = dimCols.filter((c) => !["unit_code", "unit_name", "unit_tier", "ethnicity_name", "period_label", "period_id"].includes(c));
  const dimOrder = ["c.indicator", ...orderDims.map((c) => `c.${c}`)].join(", ");
  const order =
    q.orderBy === "value_desc"
      ? `value desc nulls last, ${dimOrder}`
      : q.orderBy === "value_asc"
        ? `value asc nulls last, ${dimOrder}`
        : dimOrder;
  const limit = q.limit ?? MAX_LIMIT;

  // Only the columns toRow reads cross into JS (sort keys stay in DuckDB).
  const outCols = ["indicator", ...dimCols.filter((c) => !["ethnicity_sort", "period_start"].includes(c))];
  const fromMart = `
with req(req_code, req_domain, req_id, role) as (values ${reqRows.join(", ")}),
grouped as (
  select r.req_code as indicator, ${dimSel.map((d) => d + ", ").join("")}
         sum(f.v) as v_sum, sum(f.n) as n_sum, sum(f.d) as d_sum, sum(f.facts) as facts
    from mart_indicator_node f
    join req r on r.req_id = f.indicator_id
    join dim_unit u on u.unit_id = f.node_id
    join dim_period p on p.period_id = f.period_id
    left join dim_ethnicity e on e.ethnicity_code = f.ethnicity_code
   where ${where.join("\n     and ")}
   group by all
),
meta(code, agg, scale) as (values ${metaRows.join(", ")})`;

  const fromFacts = `
with req(req_code, req_domain, req_id, role) as (values ${reqRows.join(", ")}),
cells as (
  select r.req_code as indicator, ${dimSel.map((d) => d + ", ").join("")}
         f.unit_id as cell_unit, f.period_id as cell_period, f.ethnicity_code as cell_eth, f.sex as cell_sex,
         sum(f.value) filter (where r.role = 'v') as v,
         sum(f.value) filter (where r.role = 'n') as n,
         sum(f.value) filter (where r.role = 'd') as d,
         count(*) as c
    from fact_indicator_value f
    join req r on r.req_id = f.indicator_id
    join dim_unit u on u.unit_id = f.unit_id
    join dim_period p on p.period_id = f.period_id
    left join dim_ethnicity e on e.ethnicity_code = f.ethnicity_code
   where ${where.join("\n     and ")}
   group by all
),
meta(code, agg, scale) as (values ${metaRows.join(", ")}),
grouped as (
  select c.indicator, ${outerDims.map((d) => d + ", ").join("")}
         sum(c.v) as v_sum,
         sum(c.n) filter (where c.n is not null and c.d is not null) as n_sum,
         sum(c.d) filter (where c.n is not null and c.d is not null) as d_sum,
         sum(c.c) as facts
    from cells c
   group by all
)`;

  const sql = `${mart ? fromMart : fromFacts}
select ${outCols.map((x) => `c.${x}, `).join("")}c.n_sum, c.d_sum, c.facts,
       case when m.agg = 'ratio' then c.n_sum / nullif(c.d_sum, 0) * m.scale else c.v_sum end as value
  from grouped c join meta m on m.code = c.indicator
 order by ${order}
 limit ${limit + 1}`;

  const raw = await wh.all(sql, params);
  const truncated = raw.length > limit;
  const rows = raw.slice(0, limit).map((r) => toRow(r, known.get(String(r.indicator))!, group));
  return { rows, unknownIndicators, truncated, source: mart ? "mart" : "facts" };
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function toRow(r: Record<string, unknown>, m: IndicatorMeta, group: Set<Dimension>): IndicatorRow {
  const ratio = m.aggregation === "ratio";
  const value = num(r.value);
  const row: IndicatorRow = {
    indicator: m.code,
    indicatorName: m.name_vi,
    unitOfMeasure: m.unit_vi,
    aggregation: m.aggregation,
    value: value !== null && Number.isFinite(value) ? value : null,
    numerator: ratio ? num(r.n_sum) : null,
    denominator: ratio ? num(r.d_sum) : null,
    facts: Number(r.facts ?? 0),
  };
  if (group.has("unit")) {
    row.unitId = num(r.unit_id);
    row.unitCode = (r.unit_code as string | null) ?? null;
    row.unitName = (r.unit_name as string | null) ?? null;
    row.unitTier = (r.unit_tier as string | null) ?? null;
  }
  if (group.has("ethnicity")) {
    row.ethnicity = String(r.ethnicity);
    row.ethnicityName = (r.ethnicity_name as string | null) ?? null;
  }
  if (group.has("period")) {
    row.periodId = Number(r.period_id);
    row.period = String(r.period);
    row.periodLabel = String(r.period_label);
  }
  if (group.has("year")) row.year = Number(r.year);
  if (group.has("sex")) row.sex = r.sex as Sex;
  return row;
}
