-- Ratio indicators' rows of mart_indicator_node (keyed by the ratio's own id). Computed from
-- `mart_source_facts`: whole (period, province) slices — every fact of a province and period
-- or none — so every row it yields is complete.
-- The numerator and denominator are paired per cell (unit × period × ethnicity × sex) and
-- only the cells where both were reported count, as in the query over the facts.
-- Province rows: every ethnicity and sex. District rows: the all-groups total (ethnicity
-- '00') only, every sex.
with ratio_parts as (
  select indicator_id, numerator_id as part_id, 'n' as role from dim_indicator
   where aggregation = 'ratio' and numerator_id is not null and denominator_id is not null
  union all
  select indicator_id, denominator_id, 'd' from dim_indicator
   where aggregation = 'ratio' and numerator_id is not null and denominator_id is not null
),
ratio_cells as materialized (
  select r.indicator_id, f.period_id, f.unit_id, f.ethnicity_code, f.sex,
         sum(f.value) filter (where r.role = 'n') as n,
         sum(f.value) filter (where r.role = 'd') as d,
         count(*) as c
    from mart_source_facts f
    join ratio_parts r on r.part_id = f.indicator_id
   group by all
)
select c.indicator_id, c.period_id, 'province' as level, u.province_id as node_id, c.ethnicity_code, c.sex,
       null::double as v,
       sum(c.n) filter (where c.n is not null and c.d is not null) as n,
       sum(c.d) filter (where c.n is not null and c.d is not null) as d,
       sum(c.c)::bigint as facts
  from ratio_cells c
  join dim_unit u using (unit_id)
 where u.province_id is not null
 group by c.indicator_id, c.period_id, u.province_id, c.ethnicity_code, c.sex
union all
select c.indicator_id, c.period_id, 'district', u.district_id, c.ethnicity_code, c.sex,
       null::double,
       sum(c.n) filter (where c.n is not null and c.d is not null),
       sum(c.d) filter (where c.n is not null and c.d is not null),
       sum(c.c)::bigint
  from ratio_cells c
  join dim_unit u using (unit_id)
 where u.district_id is not null and c.ethnicity_code = '00'::ethnicity_code_t
 group by c.indicator_id, c.period_id, u.district_id, c.ethnicity_code, c.sex
 order by indicator_id, period_id, level, node_id
