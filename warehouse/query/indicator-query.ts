import type { Scope } from "../../app/scope/scope.ts";
import { intList, marks, scopePredicate } from "./scope-sql.ts";
import { levelColumns } from "./unit-level.ts";
import { martLevelFor, type MartLevel } from "./mart-route.ts";
import { MARTS_VERSION } from "../marts-version.ts";
import { catalogue, dimensions, type Dimensions, type IndicatorMeta } from "./lookups.ts";
import { coversEveryUnit, visibleNodes } from "./scope-nodes.ts";
import {
  QueryError,
  readColumns,
  type Dimension,
  type IndicatorQuery,
  type IndicatorResult,
  type IndicatorRow,
  type ResultColumns,
  type Sex,
  type WarehouseReader,
} from "./types.ts";

type P = string | number | boolean | null;

const CODE_RE = /^[A-Z0-9_]{2,40}$/;
const ETH_RE = /^\d{2}$/;
const SEXES: readonly Sex[] = ["T", "M", "F"];
const DIMENSIONS: readonly Dimension[] = ["unit", "ethnicity", "period", "year", "sex", "indicator"];
const MAX_LIMIT = 100_000;

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
 *
 * The SQL touches as little as it can: dimension attributes (unit codes and
 * names, period labels, ethnicity names) and the period filters are resolved
 * from the memoised dimensions in JS, the scope becomes a list of node ids on
 * the marts and disappears when it covers every unit, and the request table is
 * a CASE over indicator ids unless one fact indicator serves two requests.
 * Every join DuckDB doesn't run is a pipeline it doesn't schedule.
 */
export async function queryIndicators(wh: WarehouseReader, scope: Scope, q: IndicatorQuery): Promise<IndicatorResult> {
  validate(q);
  const f = q.filters ?? {};
  const group = new Set<Dimension>(q.groupBy ?? []);
  const level = q.unitLevel ?? "unit";

  // Empty filter lists mean "none of them": nothing to return.
  const emptyFilter = [f.periods, f.years, f.unitIds, f.ethnicities, f.sex, f.domains].some((l) => l !== undefined && l.length === 0);

  const codes = [...new Set(q.indicators)];
  const [cat, dims, martLevel] = await Promise.all([
    catalogue(wh),
    dimensions(wh),
    emptyFilter ? Promise.resolve(null) : martLevelFor(wh, scope, group, level, f),
  ]);
  // The marts are used only once an ETL run has built them (etl_state.marts).
  const mart: MartLevel | null = martLevel !== null && cat.marts === MARTS_VERSION ? martLevel : null;
  const known = new Map<string, IndicatorMeta>();
  for (const c of codes) {
    const m = cat.indicators.get(c);
    if (m) known.set(c, m);
  }
  const unknownIndicators = codes.filter((c) => !known.has(c));
  const none = (): IndicatorResult => ({
    rows: [],
    unknownIndicators,
    truncated: false,
  });
  if (emptyFilter || known.size === 0) return none();
  // From here on an empty answer is still an answer of the mart or the facts.
  const empty = (): IndicatorResult => ({
    ...none(),
    source: mart ? "mart" : "facts",
  });

  // Ethnicity and sex rules (checked before anything can return early).
  if (f.ethnicities && !group.has("ethnicity") && f.ethnicities.includes("00") && f.ethnicities.length > 1)
    throw new QueryError("Không cộng tổng '00' với từng dân tộc / '00' (all groups) cannot be summed with single groups");
  if (f.sex && !group.has("sex") && f.sex.includes("T") && f.sex.length > 1)
    throw new QueryError("Không cộng 'T' với 'M'/'F' / 'T' (both) cannot be summed with M or F");

  // The asked indicators this query can answer: known, in the domain filter, complete ratios.
  const complete = [...known.values()].filter((m) => m.aggregation !== "ratio" || (m.numerator_id != null && m.denominator_id != null));
  if (complete.length === 0) return none();
  const asked = complete.filter((m) => !f.domains || f.domains.includes(m.domain));
  if (asked.length === 0) return empty();
  for (const m of asked) if (!Number.isSafeInteger(m.indicator_id)) throw new Error("bad indicator id");

  // Periods: resolved to ids here (a constant list lets zone maps skip row groups).
  let periodIds: number[] | null = null;
  if (f.periods || f.years) {
    periodIds = dims.periods.filter((p) => (!f.periods || f.periods.includes(p.code)) && (!f.years || f.years.includes(p.year))).map((p) => p.period_id);
    if (periodIds.length === 0) return empty();
  }

  // Requests: (asked indicator, fact indicator, role). From the mart one row per asked
  // indicator (ratio rows are keyed by the ratio's own id).
  type Req = {
    asked: IndicatorMeta;
    factId: number;
    role: "m" | "v" | "n" | "d";
  };
  const reqs: Req[] = [];
  for (const m of asked) {
    if (mart) reqs.push({ asked: m, factId: m.indicator_id, role: "m" });
    else if (m.aggregation === "ratio") reqs.push({ asked: m, factId: m.numerator_id!, role: "n" }, { asked: m, factId: m.denominator_id!, role: "d" });
    else reqs.push({ asked: m, factId: m.indicator_id, role: "v" });
  }
  for (const r of reqs) if (!Number.isSafeInteger(r.factId)) throw new Error("bad indicator id");
  const factIds = [...new Set(reqs.map((r) => r.factId))];
  // One fact indicator serving two requests (B001 asked and as a ratio's denominator) needs
  // the request table as a join; otherwise each fact row maps to its request by CASE.
  const viaJoin = factIds.length < reqs.length;
  const hasRatio = !mart && asked.some((m) => m.aggregation === "ratio");

  const params: P[] = [];
  const where: string[] = [];
  where.push(`f.indicator_id in (${intList(factIds)})`);

  // The asked indicator of a fact row, as its id.
  let indExpr: string;
  if (viaJoin) indExpr = "r.req_ind";
  else if (reqs.every((r) => r.factId === r.asked.indicator_id)) indExpr = "f.indicator_id";
  else indExpr = `case f.indicator_id ${reqs.map((r) => `when ${r.factId} then ${r.asked.indicator_id}`).join(" ")} end`;
  const roleCond = (role: "v" | "n" | "d") => {
    if (viaJoin) return `r.role = '${role}'`;
    const ids = reqs.filter((r) => r.role === role).map((r) => r.factId);
    return ids.length ? `f.indicator_id in (${intList(ids)})` : "false";
  };

  // Scope (and the unitIds filter), per group of asked indicators that see the same units.
  const needUnitJoin = !mart && ((group.has("unit") && level !== "unit") || !!f.unitIds);
  let unitJoin = needUnitJoin;
  if (mart) {
    const parts: string[] = [];
    const byNodes = new Map<string, { ids: number[]; nodes: number[] | "all" }>();
    for (const m of asked) {
      const nodes = visibleNodes(dims, scope, m.domain, mart, f.unitIds);
      const key = nodes === "all" ? "all" : nodes.join(",");
      const g = byNodes.get(key) ?? { ids: [], nodes };
      g.ids.push(m.indicator_id);
      byNodes.set(key, g);
    }
    const groups = [...byNodes.values()].filter((g) => g.nodes === "all" || g.nodes.length > 0);
    if (groups.length === 0) return empty();
    if (!(groups.length === 1 && groups[0]!.nodes === "all" && byNodes.size === 1)) {
      for (const g of groups) {
        const idPart = byNodes.size === 1 ? "" : `f.indicator_id in (${intList(g.ids)})`;
        const nodePart = g.nodes === "all" ? "" : `f.node_id in (${intList(g.nodes)})`;
        parts.push(`(${[idPart, nodePart].filter(Boolean).join(" and ") || "true"})`);
      }
      where.push(`(${parts.join(" or ")})`);
    }
    where.push(`f.level = ${martLevelLiteral(mart)}`);
  } else if (viaJoin) {
    unitJoin = true;
    const s = scopePredicate(scope, "u.path", "r.req_domain");
    where.push(s.sql);
    params.push(...s.params);
  } else {
    // Group the asked indicators by the grant prefixes their domain lets them through.
    const byPrefixes = new Map<string, { factIds: number[]; prefixes: string[] }>();
    for (const m of asked) {
      const prefixes = [...new Set(scope.grants.filter((g) => g.pathPrefix && (g.domains === null || g.domains.includes(m.domain))).map((g) => g.pathPrefix))];
      const key = prefixes.join("\n");
      const g = byPrefixes.get(key) ?? { factIds: [], prefixes };
      for (const r of reqs) if (r.asked === m) g.factIds.push(r.factId);
      byPrefixes.set(key, g);
    }
    const groups = [...byPrefixes.values()].filter((g) => g.prefixes.length > 0);
    if (groups.length === 0) return empty();
    const everyUnit = groups.every((g) => coversEveryUnit(dims, g.prefixes));
    if (!(everyUnit && byPrefixes.size === 1)) {
      const parts: string[] = [];
      for (const g of groups) {
        const idPart = byPrefixes.size === 1 ? "" : `f.indicator_id in (${intList(g.factIds)})`;
        let pathPart = "";
        if (!coversEveryUnit(dims, g.prefixes)) {
          unitJoin = true;
          pathPart = `(${g.prefixes.map(() => "starts_with(u.path, ?)").join(" or ")})`;
          params.push(...g.prefixes);
        }
        parts.push(`(${[idPart, pathPart].filter(Boolean).join(" and ") || "true"})`);
      }
      where.push(`(${parts.join(" or ")})`);
    }
  }
  if (!mart && f.unitIds) {
    // subtree of each named unit; ids outside the scope add nothing (the scope predicate still applies)
    where.push(`exists (select 1 from dim_unit fu where fu.unit_id in (${marks(f.unitIds.length)}) and starts_with(u.path, fu.path))`);
    params.push(...f.unitIds);
  }

  if (periodIds) where.push(`f.period_id in (${intList(periodIds)})`);
  // Ethnicity: row totals ("00") unless grouped or filtered. The columns are enums
  // (warehouse/types.sql): compared with typed constants they filter as integers (a text
  // constant would cast every row's code to text); try_cast makes a code outside the type
  // match nothing, as a text comparison would.
  if (f.ethnicities) {
    where.push(`f.ethnicity_code in (${f.ethnicities.map(() => "try_cast(? as ethnicity_code_t)").join(", ")})`);
    params.push(...f.ethnicities);
  } else if (!group.has("ethnicity")) {
    where.push("f.ethnicity_code = '00'::ethnicity_code_t");
  }
  // Sex: both ("T") unless grouped or filtered.
  if (f.sex) {
    where.push(`f.sex in (${f.sex.map(() => "try_cast(? as sex_t)").join(", ")})`);
    params.push(...f.sex);
  } else if (!group.has("sex")) {
    where.push("f.sex = 'T'::sex_t");
  }

  // Group keys (ids and codes only; names and labels are attached from the dimensions).
  const dimSel: string[] = [];
  const dimCols: string[] = [];
  let periodJoin = false;
  if (group.has("unit")) {
    if (mart) dimSel.push("f.node_id as unit_id");
    else if (level === "unit") dimSel.push("f.unit_id as unit_id");
    else {
      const c = levelColumns(level);
      dimSel.push(`${c.id} as unit_id`);
      where.push(`${c.id} is not null`);
      unitJoin = true;
    }
    dimCols.push("unit_id");
  }
  if (group.has("ethnicity")) {
    dimSel.push("f.ethnicity_code as ethnicity");
    dimCols.push("ethnicity");
  }
  if (group.has("period")) {
    // ordered by code as the period picker is: the code comes from dim_period
    dimSel.push("f.period_id as period_id", "p.code as period");
    dimCols.push("period_id", "period");
    periodJoin = true;
  }
  if (group.has("year")) {
    const candidates = periodIds ?? dims.periods.map((p) => p.period_id);
    if (periodJoin || candidates.length > 64) {
      dimSel.push("p.year as year");
      periodJoin = true;
    } else {
      // few periods: the year as a CASE over their ids, no join
      const years = candidates.map((id) => `when ${intList([id])} then ${intList([dims.periodById.get(id)!.year])}`);
      dimSel.push(`case f.period_id ${years.join(" ")} end as year`);
    }
    dimCols.push("year");
  }
  if (group.has("sex")) {
    dimSel.push("f.sex as sex");
    dimCols.push("sex");
  }

  // Output order: indicator code, then the group keys (as the joins used to give them).
  const byCode = [...asked].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const indOrd = byCode.length > 1 ? `case c.ind ${byCode.map((m, i) => `when ${m.indicator_id} then ${i}`).join(" ")} end` : null;
  const orderKeys = [...(indOrd ? [indOrd] : []), ...dimCols.filter((c) => c !== "period_id").map((c) => `c.${c}`)];
  const dimOrder = orderKeys.length ? orderKeys.join(", ") : "1";
  const order = q.orderBy === "value_desc" ? `value desc nulls last, ${dimOrder}` : q.orderBy === "value_asc" ? `value asc nulls last, ${dimOrder}` : dimOrder;
  const limit = q.limit ?? MAX_LIMIT;

  const ratios = asked.filter((m) => m.aggregation === "ratio");
  let valueExpr = "c.v_sum";
  if (ratios.length > 0) {
    const whens = ratios.map((m) => {
      return `when ${m.indicator_id} then c.n_sum / nullif(c.d_sum, 0) * ${numberLiteral(m.ratio_scale ?? 1)}`;
    });
    valueExpr = `case c.ind ${whens.join(" ")} else c.v_sum end`;
  }

  const from = [
    mart ? "mart_indicator_node f" : "fact_indicator_value f",
    viaJoin
      ? `join (values ${reqs
          .map((r) => `(${r.asked.indicator_id}, ${r.factId}, '${r.role}', ?)`)
          .join(", ")}) r(req_ind, req_id, role, req_domain) on r.req_id = f.indicator_id`
      : "",
    unitJoin ? `join dim_unit u on u.unit_id = ${mart ? "f.node_id" : "f.unit_id"}` : "",
    periodJoin ? "join dim_period p on p.period_id = f.period_id" : "",
  ].filter(Boolean);
  // the request table's domain parameters come first in the SQL text
  const fromParams: P[] = viaJoin ? reqs.map((r) => r.asked.domain) : [];
  const keys = [`${indExpr} as ind`, ...dimSel];
  let grouped: string;
  if (mart) {
    grouped = `
grouped as (
  select ${keys.join(", ")}, sum(f.v) as v_sum, sum(f.n) as n_sum, sum(f.d) as d_sum, sum(f.facts)::double as facts
    from ${from.join("\n    ")}
   where ${where.join("\n     and ")}
   group by all
)`;
  } else if (!hasRatio && !viaJoin) {
    grouped = `
grouped as (
  select ${keys.join(", ")}, sum(f.value) as v_sum, null::double as n_sum, null::double as d_sum, count(*)::double as facts
    from ${from.join("\n    ")}
   where ${where.join("\n     and ")}
   group by all
)`;
  } else {
    // ratios pair numerator and denominator per cell (unit × period × ethnicity × sex)
    grouped = `
cells as (
  select ${keys.join(", ")},
         f.unit_id as cell_unit, f.period_id as cell_period, f.ethnicity_code as cell_eth, f.sex as cell_sex,
         sum(f.value) filter (where ${roleCond("v")}) as v,
         sum(f.value) filter (where ${roleCond("n")}) as n,
         sum(f.value) filter (where ${roleCond("d")}) as d,
         count(*) as c
    from ${from.join("\n    ")}
   where ${where.join("\n     and ")}
   group by all
),
grouped as (
  select c.ind, ${dimCols.map((d) => `c.${d}, `).join("")}
         sum(c.v) as v_sum,
         sum(c.n) filter (where c.n is not null and c.d is not null) as n_sum,
         sum(c.d) filter (where c.n is not null and c.d is not null) as d_sum,
         sum(c.c)::double as facts
    from cells c
   group by all
)`;
  }
  // Only what varies crosses into JS: the indicator when there are several, the parts when a ratio is asked.
  const outCols = [...(asked.length > 1 ? ["ind"] : []), ...dimCols.filter((c) => c !== "period"), ...(ratios.length > 0 ? ["n_sum", "d_sum"] : []), "facts"];
  const sql = `with ${grouped}
select ${outCols.map((x) => `c.${x}, `).join("")}${valueExpr} as value
  from grouped c
 order by ${order}
 limit ${limit + 1}`;

  // parameters in text order: request domains (from), then the where clause
  const result = await readColumns(wh, sql, [...fromParams, ...params]);
  const truncated = result.rowCount > limit;
  const rows = toRows(result, Math.min(limit, result.rowCount), new Map(asked.map((m) => [m.indicator_id, m])), group, dims, mart ?? (level === "unit" ? null : level));
  return {
    rows,
    unknownIndicators,
    truncated,
    source: mart ? "mart" : "facts",
  };
}

/*
 * What the SQL text may carry inline: integers the layer produced itself (indicator, period
 * and node ids from the warehouse's own dimensions), the mart level and a ratio's scale from
 * the catalogue — never a string a caller sent, those stay bound parameters. A query whose
 * every value is one of these needs no parameters, and DuckDB plans it once instead of
 * planning the statement and again for its bound values.
 */
export function martLevelLiteral(level: MartLevel): string {
  if (level !== "province" && level !== "district") throw new Error("bad mart level");
  return `'${level}'`;
}

function numberLiteral(n: number): string {
  if (!Number.isFinite(n)) throw new Error("bad number");
  return `${n}::double`;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The result's first n rows as IndicatorRows, read column by column; names and labels from the dimensions. */
function toRows(
  res: ResultColumns,
  n: number,
  byId: ReadonlyMap<number, IndicatorMeta>,
  group: Set<Dimension>,
  dims: Dimensions,
  tierOf: string | null,
): IndicatorRow[] {
  const col = (name: string): unknown[] => {
    const j = res.names.indexOf(name);
    return j >= 0 ? res.columns[j]! : [];
  };
  const [ind, value, nSum, dSum, facts] = [col("ind"), col("value"), col("n_sum"), col("d_sum"), col("facts")];
  const [unitId, ethnicity, periodId, year, sex] = [col("unit_id"), col("ethnicity"), col("period_id"), col("year"), col("sex")];
  const only = byId.size === 1 ? [...byId.values()][0]! : null;
  const out: IndicatorRow[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const m = only ?? byId.get(Number(ind[i]))!;
    const ratio = m.aggregation === "ratio";
    const v = num(value[i]);
    const row: IndicatorRow = {
      indicator: m.code,
      indicatorName: m.name_vi,
      unitOfMeasure: m.unit_vi,
      aggregation: m.aggregation,
      value: v !== null && Number.isFinite(v) ? v : null,
      numerator: ratio ? num(nSum[i]) : null,
      denominator: ratio ? num(dSum[i]) : null,
      facts: Number(facts[i] ?? 0),
    };
    if (group.has("unit")) {
      const id = num(unitId[i]);
      const u = id === null ? undefined : dims.unitById.get(id);
      row.unitId = id;
      row.unitCode = u?.code ?? null;
      row.unitName = u?.name ?? null;
      row.unitTier = tierOf ?? u?.tier ?? null;
    }
    if (group.has("ethnicity")) {
      row.ethnicity = String(ethnicity[i]);
      row.ethnicityName = dims.ethnicityName.get(row.ethnicity) ?? null;
    }
    if (group.has("period")) {
      const p = dims.periodById.get(Number(periodId[i]));
      row.periodId = Number(periodId[i]);
      row.period = p?.code ?? "";
      row.periodLabel = p?.label_vi ?? "";
    }
    if (group.has("year")) row.year = Number(year[i]);
    if (group.has("sex")) row.sex = sex[i] as Sex;
    out[i] = row;
  }
  return out;
}
