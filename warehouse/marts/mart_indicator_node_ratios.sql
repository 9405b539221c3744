-- Ratio indicators' rows of mart_indicator_node (keyed by the ratio's own id). Computed from
-- `mart_source_facts`: whole (period, province) slices — every fact of a province and period
-- or none — so every row it yields is complete. One pass groups the facts by (province, district) — district
-- null for units outside any district (the province itself, departments); district rows
-- are those groups, province rows the sum of a province's groups.
-- The numerator and denominator are paired per cell (unit × period × ethnicity × sex) and
-- only the cells where both were reported count, as in the query over the facts.
with facts as (
  select * from mart_source_facts
),
units as (
  select unit_id, province_id, district_id from dim_unit where province_id is not null or district_id is not null
),
ratio_parts as (
  select indicator_id, numerator_id as part_id, 'n' as role from dim_indicator
   where aggregation = 'ratio' and numerator_id is not null and denominator_id is not null
  union all
  select indicator_id, denominator_id, 'd' from dim_indicator
   where aggregation = 'ratio' and numerator_id is not null and denominator_id is not null
),
ratio_cells as (
  select r.indicator_id, f.period_id, f.unit_id, f.ethnicity_code, f.sex,
         sum(f.value) filter (where r.role = 'n') as n,
         sum(f.value) filter (where r.role = 'd') as d,
         count(*) as c
    from facts f
    join ratio_parts r on r.part_id = f.indicator_id
   group by all
),
groups as (
  select c.indicator_id, c.period_id, u.province_id, u.district_id, c.ethnicity_code, c.sex,
         null::double as v,
         sum(c.n) filter (where c.n is not null and c.d is not null) as n,
         sum(c.d) filter (where c.n is not null and c.d is not null) as d,
         sum(c.c)::bigint as facts
    from ratio_cells c
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
