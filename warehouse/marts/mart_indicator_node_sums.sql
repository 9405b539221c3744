-- Sum indicators' rows of mart_indicator_node. Computed from
-- `mart_source_facts`: whole (period, province) slices — every fact of a province and period
-- or none — so every row it yields is complete. One pass groups the facts by (province, district) — district
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
select indicator_id, period_id, level, node_id, ethnicity_code, sex, v, n, d, facts
  from rows
 order by indicator_id, period_id, level, node_id
