import type { Scope } from "../../app/scope/scope.ts";
import { marks, scopePredicate } from "./scope-sql.ts";
import { levelColumns } from "./unit-level.ts";
import { martLevelFor } from "./mart-route.ts";
import { MARTS_VERSION } from "../marts-version.ts";
import { QueryError, type CompletenessQuery, type CompletenessRow, type WarehouseReader } from "./types.ts";

type P = string | number | boolean | null;

/**
 * Completeness of reporting over fact_submission: per period × form × unit at
 * the chosen level, how many reports were expected and where each stands.
 * Scope: the reporting unit must be under one of the caller's unrestricted
 * grants (completeness is about units, not indicator domains), or under a
 * sector grant — a department sees completeness province-wide.
 */
export async function queryCompleteness(wh: WarehouseReader, scope: Scope, q: CompletenessQuery = {}): Promise<CompletenessRow[]> {
  const level = q.unitLevel ?? "district";
  for (const c of q.forms ?? []) if (!/^[A-Z0-9-]{2,30}$/.test(c)) throw new QueryError("Mã biểu không hợp lệ / bad form code");
  for (const id of q.unitIds ?? []) if (!Number.isInteger(id)) throw new QueryError("Mã đơn vị không hợp lệ / bad unit id");
  if ([q.periods, q.forms, q.unitIds].some((l) => l !== undefined && l.length === 0)) return [];

  const params: P[] = [];
  const where: string[] = [];
  // Completeness has no indicator domain: any grant's unit prefix counts.
  const unscoped = { ...scope, grants: scope.grants.map((g) => ({ pathPrefix: g.pathPrefix, domains: null })) };
  const s = scopePredicate(unscoped, "u.path", "null");
  where.push(s.sql);
  params.push(...s.params);
  if (q.periods) {
    where.push(`p.code in (${marks(q.periods.length)})`);
    params.push(...q.periods);
  }
  if (q.forms) {
    where.push(`fs.form_code in (${marks(q.forms.length)})`);
    params.push(...q.forms);
  }
  if (q.unitIds) {
    where.push(`exists (select 1 from dim_unit fu where fu.unit_id in (${marks(q.unitIds.length)}) and starts_with(u.path, fu.path))`);
    params.push(...q.unitIds);
  }
  // From mart_submission_node when the level is a node level and the scope/unit filters
  // are decided by the node's path (see martLevelFor): same counts, far fewer rows.
  const [martLevel, state] = await Promise.all([
    martLevelFor(wh, unscoped, new Set(["unit"]), level, { unitIds: q.unitIds }),
    wh.all("select value from etl_state where key = 'marts'"),
  ]);
  const useMart = martLevel !== null && state[0]?.value === MARTS_VERSION;
  const c = useMart ? { id: "u.unit_id", code: "u.code", name: "u.name" } : levelColumns(level);
  if (useMart) {
    where.push("fs.level = ?");
    params.push(martLevel);
  } else where.push(`${c.id} is not null`);
  const sql = useMart
    ? `
select p.code as period, p.label_vi as period_label, p.start_date as period_start, fs.form_code,
       u.unit_id, u.code as unit_code, u.name as unit_name,
       sum(fs.expected) as expected, sum(fs.not_started) as not_started, sum(fs.draft) as draft,
       sum(fs.submitted) as submitted, sum(fs.returned) as returned, sum(fs.approved) as approved, sum(fs.on_time) as on_time
  from mart_submission_node fs
  join dim_unit u on u.unit_id = fs.node_id
  join dim_period p on p.period_id = fs.period_id
 where ${where.join("\n   and ")}
 group by all
 order by period_start desc, p.code, fs.form_code, unit_code`
    : `
select p.code as period, p.label_vi as period_label, p.start_date as period_start, fs.form_code,
       ${c.id} as unit_id, ${c.code} as unit_code, ${c.name} as unit_name,
       count(*) filter (where fs.expected) as expected,
       count(*) filter (where fs.status = 'not_started') as not_started,
       count(*) filter (where fs.status = 'draft') as draft,
       count(*) filter (where fs.status = 'submitted') as submitted,
       count(*) filter (where fs.status = 'returned') as returned,
       count(*) filter (where fs.status = 'approved') as approved,
       count(*) filter (where fs.status = 'approved' and fs.on_time) as on_time
  from fact_submission fs
  join dim_unit u on u.unit_id = fs.unit_id
  join dim_period p on p.period_id = fs.period_id
 where ${where.join("\n   and ")}
 group by all
 order by period_start desc, p.code, fs.form_code, unit_code`;
  const rows = await wh.all(sql, params);
  return rows.map((r) => {
    const expected = Number(r.expected);
    const approved = Number(r.approved);
    return {
      period: String(r.period),
      periodLabel: String(r.period_label),
      formCode: String(r.form_code),
      unitId: r.unit_id == null ? null : Number(r.unit_id),
      unitCode: (r.unit_code as string | null) ?? null,
      unitName: (r.unit_name as string | null) ?? null,
      expected,
      notStarted: Number(r.not_started),
      draft: Number(r.draft),
      submitted: Number(r.submitted),
      returned: Number(r.returned),
      approved,
      onTime: Number(r.on_time),
      approvedPct: expected > 0 ? (approved / expected) * 100 : null,
    };
  });
}
