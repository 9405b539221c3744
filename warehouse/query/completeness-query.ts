import type { Scope } from "../../app/scope/scope.ts";
import { intList, marks, scopePredicate } from "./scope-sql.ts";
import { levelColumns } from "./unit-level.ts";
import { martLevelFor } from "./mart-route.ts";
import { MARTS_VERSION } from "../marts-version.ts";
import { catalogue, dimensions } from "./lookups.ts";
import { visibleNodes } from "./scope-nodes.ts";
import { martLevelLiteral } from "./indicator-query.ts";
import type { MartLevel } from "./mart-route.ts";
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

  // Completeness has no indicator domain: any grant's unit prefix counts.
  const unscoped = {
    ...scope,
    grants: scope.grants.map((g) => ({
      pathPrefix: g.pathPrefix,
      domains: null,
    })),
  };
  // From mart_submission_node when the level is a node level and the scope/unit filters
  // are decided by the node's path (see martLevelFor): same counts, far fewer rows.
  const [martLevel, cat] = await Promise.all([
    martLevelFor(wh, unscoped, new Set(["unit"]), level, {
      unitIds: q.unitIds,
    }),
    catalogue(wh),
  ]);
  if (martLevel !== null && cat.marts === MARTS_VERSION) return fromMart(wh, unscoped, q, martLevel);

  const params: P[] = [];
  const where: string[] = [];
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
  const c = levelColumns(level);
  where.push(`${c.id} is not null`);
  const sql = `
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
  return rows.map((r) => toRow(r, String(r.period), String(r.period_label), (r.unit_code as string | null) ?? null, (r.unit_name as string | null) ?? null));
}

/**
 * The mart's answer: the node rows of one level, filtered by ids resolved in JS (periods,
 * the nodes the scope and unitIds let through), labelled and ordered from the dimensions.
 */
async function fromMart(wh: WarehouseReader, scope: Scope, q: CompletenessQuery, level: MartLevel): Promise<CompletenessRow[]> {
  const dims = await dimensions(wh);
  const params: P[] = [];
  const where: string[] = [`fs.level = ${martLevelLiteral(level)}`];
  if (q.periods) {
    const ids = dims.periods.filter((p) => q.periods!.includes(p.code)).map((p) => p.period_id);
    if (ids.length === 0) return [];
    where.push(`fs.period_id in (${intList(ids)})`);
  }
  if (q.forms) {
    where.push(`fs.form_code in (${marks(q.forms.length)})`);
    params.push(...q.forms);
  }
  const nodes = visibleNodes(dims, scope, "", level, q.unitIds);
  if (nodes !== "all") {
    if (nodes.length === 0) return [];
    where.push(`fs.node_id in (${intList(nodes)})`);
  }
  // counts as doubles (exact below 2^53): plain JS numbers, where HUGEINT sums cost a BigInt each
  const raw = await wh.all(
    `select fs.period_id, fs.form_code, fs.node_id as unit_id,
            sum(fs.expected)::double as expected, sum(fs.not_started)::double as not_started, sum(fs.draft)::double as draft,
            sum(fs.submitted)::double as submitted, sum(fs.returned)::double as returned, sum(fs.approved)::double as approved,
            sum(fs.on_time)::double as on_time
       from mart_submission_node fs
      where ${where.join(" and ")}
      group by all`,
    params
  );
  const keyed = raw.map((r) => {
    const p = dims.periodById.get(Number(r.period_id));
    const u = dims.unitById.get(Number(r.unit_id));
    const row = toRow(r, p?.code ?? "", p?.label_vi ?? "", u?.code ?? null, u?.name ?? null);
    return { row, start: p?.start_date ?? "" };
  });
  // period_start desc, period code, form code, unit code (nulls last), as the SQL over the facts orders
  const cmp = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);
  keyed.sort((a, b) => cmp(b.start, a.start) || cmp(a.row.period, b.row.period) || cmp(a.row.formCode, b.row.formCode) || cmp(a.row.unitCode, b.row.unitCode));
  return keyed.map((k) => k.row);
}

function toRow(r: Record<string, unknown>, period: string, periodLabel: string, unitCode: string | null, unitName: string | null): CompletenessRow {
  const expected = Number(r.expected);
  const approved = Number(r.approved);
  return {
    period,
    periodLabel,
    formCode: String(r.form_code),
    unitId: r.unit_id == null ? null : Number(r.unit_id),
    unitCode,
    unitName,
    expected,
    notStarted: Number(r.not_started),
    draft: Number(r.draft),
    submitted: Number(r.submitted),
    returned: Number(r.returned),
    approved,
    onTime: Number(r.on_time),
    approvedPct: expected > 0 ? (approved / expected) * 100 : null,
  };
}
