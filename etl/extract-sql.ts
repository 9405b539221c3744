/**
 * The Postgres side of the ETL: what an approved submission contributes.
 * One fact per entered cell of a sum indicator with a value: total-only and
 * by-ethnicity indicators give their 'T' cells; by-sex indicators give their
 * M and F cells (the loader derives T = M + F, so stored or not, T is consistent).
 * Ratio indicators are never stored: the query layer recomputes them.
 */
export const FACT_COLUMNS = ["indicator_id", "period_id", "unit_id", "ethnicity_code", "sex", "value", "submission_id", "approved_at"] as const;

const factSelect = (extra: string) => `
select v.indicator_id, s.period_id, s.unit_id, v.ethnicity_code, v.sex, v.value::float8 as value, s.id as submission_id, s.approved_at
  from submissions s
  join submission_values v on v.submission_id = s.id
  join indicators i on i.id = v.indicator_id
 where s.status = 'approved'
   and v.value is not null
   and i.aggregation = 'sum'
   and ((i.disaggregation = 'ethnicity_sex' and v.sex in ('M', 'F')) or (i.disaggregation <> 'ethnicity_sex' and v.sex = 'T'))
   ${extra}`;

/** Full rebuild: every approved fact, through binary COPY (no parameters). */
export const COPY_ALL_FACTS = `copy (${factSelect("")}) to stdout (format binary)`;

/** Incremental: facts of the given submissions ($1 int[]). */
export const SELECT_FACTS_OF = factSelect("and s.id = any($1::int[])");

/**
 * Completeness rows: every expected (period × form × unit, from period_forms by
 * tier or by unit, units valid during the period) and every submission.
 * $1: period ids (int[]) or null for all.
 */
export const SELECT_SUBMISSION_FACTS = `
with expected as (
  select pf.period_id, pf.form_code, u.id as unit_id
    from period_forms pf
    join periods p on p.id = pf.period_id
    join units u on u.tier = pf.tier and u.valid_from <= p.end_date and (u.valid_to is null or u.valid_to >= p.start_date)
   where pf.tier is not null and ($1::int[] is null or pf.period_id = any($1::int[]))
  union
  select pf.period_id, pf.form_code, pf.unit_id
    from period_forms pf
   where pf.unit_id is not null and ($1::int[] is null or pf.period_id = any($1::int[]))
),
subs as (
  select * from submissions s where ($1::int[] is null or s.period_id = any($1::int[]))
)
select coalesce(s.period_id, e.period_id) as period_id,
       coalesce(s.form_code, e.form_code) as form_code,
       coalesce(s.unit_id, e.unit_id) as unit_id,
       s.id as submission_id,
       coalesce(s.status, 'not_started') as status,
       e.unit_id is not null as expected,
       s.approver_unit_id,
       s.first_submitted_at,
       s.submitted_at,
       s.approved_at,
       p.deadline,
       case when s.first_submitted_at is null then null
            else (s.first_submitted_at at time zone 'Asia/Ho_Chi_Minh')::date <= p.deadline end as on_time,
       s.updated_at as source_updated_at,
       coalesce(s.is_demo, p.is_demo) as is_demo
  from expected e
  full join subs s on s.period_id = e.period_id and s.form_code = e.form_code and s.unit_id = e.unit_id
  join periods p on p.id = coalesce(s.period_id, e.period_id)`;

/** Candidates of an incremental run: submissions touched since the watermark (minus an overlap). */
export const SELECT_CANDIDATES = `
select id, status, updated_at, period_id
  from submissions
 where updated_at > $1::timestamptz - make_interval(secs => $2)`;
