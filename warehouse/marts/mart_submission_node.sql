-- Rows of mart_submission_node from `mart_source_submissions` (fact_submission rows of
-- the periods being refreshed), one row per period × form × province/district node.
with subs as (
  select fs.*, u.province_id, u.district_id
    from mart_source_submissions fs
    join dim_unit u using (unit_id)
),
nodes as (
  select *, 'province' as level, province_id as node_id from subs where province_id is not null
  union all
  select *, 'district', district_id from subs where district_id is not null
)
select period_id, form_code, level, node_id,
       count(*) filter (where expected) as expected,
       count(*) filter (where status = 'not_started') as not_started,
       count(*) filter (where status = 'draft') as draft,
       count(*) filter (where status = 'submitted') as submitted,
       count(*) filter (where status = 'returned') as returned,
       count(*) filter (where status = 'approved') as approved,
       count(*) filter (where status = 'approved' and on_time) as on_time
  from nodes
 group by all
 order by period_id, form_code, level, node_id
