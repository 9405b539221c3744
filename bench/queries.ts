import type { Db } from "../app/db/knex.server.ts";
import type { Scope } from "../app/scope/scope.ts";
import type { WarehouseService } from "../warehouse/service.ts";
import { queryCompleteness, queryIndicators } from "../warehouse/query/index.ts";
import { pgQuery } from "../etl/pg-query.ts";

/**
 * The typical dashboard questions, asked twice: of the warehouse through the
 * query layer (scope inside, as a dashboard would), and of Postgres directly
 * over the operational tables (same scope as a path-prefix filter).
 */
export interface BenchQuery {
  name: string;
  duck: () => Promise<number>; // returns row count
  pg: () => Promise<number>;
}

/** Where the query layer read each DuckDB answer last ("mart" or "facts"), for the report. */
export const duckSource: Record<string, string> = {};

export function benchQueries(args: { db: Db; wh: WarehouseService; scope: Scope; prefixes: string[]; provincePrefix: string; provinceScope: Scope; year: string; openYear: string }): BenchQuery[] {
  const { db, wh, scope, prefixes, year } = args;
  const likes = prefixes.map((p) => `${p}%`);
  const pgRows = async (sql: string, params: unknown[]) => {
    let i = 0;
    return (await pgQuery(db, sql.replace(/\?/g, () => `$${++i}`), params)).length;
  };
  return [
    {
      name: "rollup_district_ethnicity",
      duck: async () =>
        counted("rollup_district_ethnicity", await queryIndicators(wh, scope, { indicators: ["B007"], groupBy: ["unit", "ethnicity"], unitLevel: "district", filters: { periods: [year] } })),
      pg: () =>
        pgRows(
          `select c.parent_id as district_id, v.ethnicity_code, sum(v.value) as value
             from submission_values v
             join submissions s on s.id = v.submission_id
             join units c on c.id = s.unit_id
             join periods p on p.id = s.period_id
            where v.indicator_id = (select id from indicators where code = ?) and v.sex = 'T'
              and p.code = ? and s.status = 'approved' and c.path like any(?)
            group by 1, 2`,
          ["B007", year, likes],
        ),
    },
    {
      name: "trend_10y_province",
      duck: async () =>
        counted("trend_10y_province", await queryIndicators(wh, args.provinceScope, { indicators: ["B001"], groupBy: ["year"], filters: { unitIds: [Number(args.provincePrefix.split("/")[1])] } })),
      pg: () =>
        pgRows(
          `select p.year, sum(v.value) as value
             from submission_values v
             join submissions s on s.id = v.submission_id
             join units c on c.id = s.unit_id
             join periods p on p.id = s.period_id
            where v.indicator_id = (select id from indicators where code = ?) and v.ethnicity_code = '00' and v.sex = 'T'
              and s.status = 'approved' and c.path like ?
            group by 1 order by 1`,
          ["B001", `${args.provincePrefix}%`],
        ),
    },
    {
      name: "ranking_communes",
      duck: async () =>
        counted("ranking_communes", await queryIndicators(wh, scope, { indicators: ["BR_RATE"], groupBy: ["unit"], unitLevel: "commune", filters: { periods: [year] }, orderBy: "value_desc", limit: 20 })),
      pg: () =>
        pgRows(
          `select s.unit_id,
                  sum(v.value) filter (where v.indicator_id = n.id) / nullif(sum(v.value) filter (where v.indicator_id = d.id), 0) * 100 as rate
             from submission_values v
             join submissions s on s.id = v.submission_id
             join units c on c.id = s.unit_id
             join periods p on p.id = s.period_id
             cross join (select id from indicators where code = 'B002') n
             cross join (select id from indicators where code = 'B001') d
            where v.indicator_id in (n.id, d.id) and v.ethnicity_code = '00' and v.sex = 'T'
              and p.code = ? and s.status = 'approved' and c.path like any(?)
            group by 1 order by rate desc nulls last, 1 limit 20`,
          [year, likes],
        ),
    },
    {
      name: "completeness_district",
      duck: async () => (await queryCompleteness(wh, scope, { periods: [args.openYear], unitLevel: "district" })).length,
      pg: () =>
        pgRows(
          `select c.parent_id as district_id, pf.form_code,
                  count(*) as expected,
                  count(s.id) filter (where s.status = 'approved') as approved,
                  count(s.id) filter (where s.status = 'submitted') as submitted,
                  count(s.id) filter (where s.status = 'draft') as draft,
                  count(*) filter (where s.id is null) as not_started
             from period_forms pf
             join periods p on p.id = pf.period_id
             join units c on c.tier = pf.tier
             left join submissions s on s.period_id = pf.period_id and s.form_code = pf.form_code and s.unit_id = c.id
            where p.code = ? and c.path like any(?)
            group by 1, 2`,
          [args.openYear, likes],
        ),
    },
  ];
}

function counted(name: string, r: { rows: unknown[]; source?: string }): number {
  duckSource[name] = r.source ?? "none";
  return r.rows.length;
}

/**
 * Median of `runs` timed calls after `warmup` untimed ones: a dashboard server answers from
 * hot code, so the query layer's JavaScript is measured after V8 has compiled it (one warm-up
 * left the first DuckDB question at 2–3× its steady time). Both sides get the same warm-up.
 */
export async function median(fn: () => Promise<unknown>, runs: number, warmup = 5): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)]!;
}
