-- Sum indicators' rows of mart_indicator_node. Computed from `mart_source_facts`; only rows of the (period, level, node) triples in
-- `mart_targets` are kept. One pass groups the facts by (province, district) — district
-- null for units outside any district (the province itself, departments); district rows
-- are those groups, province rows the sum of a province's groups.
with facts as (
  select * from mart_source_facts
),
units as (
  select unit_id, province_id, district_id from dim_unit where province_id is not null or district_id is not null
),
groups as (
  select f.indicator_id, f.period_id, u.province_id, u.district_id, f.ethnicity_code, f.sex,
         sum(f.value) as v, null::double as n, null::double as d, count(*) as facts
    from facts f
    join units u using (unit_id)
   group by all
),
rows as (
  select indicator_id, period_id, 'district' as level, district_id as node_id, ethnicity_code, sex, v, n, d, facts
    from groups
   where district_id is not null
  union all
  select indicator_id, period_id, 'province', province_id, ethnicity_code, sex, sum(v), sum(n), sum(d), sum(facts)::bigint
    from groups
   where province_id is not null
   group by all
)
select r.indicator_id, r.period_id, r.level, r.node_id, r.ethnicity_code, r.sex, r.v, r.n, r.d, r.facts
  from rows r
  semi join mart_targets t using (period_id, level, node_id)
 order by r.indicator_id, r.period_id, r.level, r.node_id
