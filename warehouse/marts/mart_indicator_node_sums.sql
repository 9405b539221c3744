-- Sum indicators' rows of mart_indicator_node. Computed from
-- `mart_source_facts`: whole (period, province) slices — every fact of a province and period
-- or none — so every row it yields is complete.
-- Province rows: every ethnicity and sex, grouped straight from the facts.
-- District rows: the all-groups total (ethnicity '00') only, every sex, from the '00' facts
-- (district × ethnicity roll-ups are read from the facts, not from this mart).
select f.indicator_id, f.period_id, 'province' as level, u.province_id as node_id, f.ethnicity_code, f.sex,
       sum(f.value) as v, null::double as n, null::double as d, count(*)::bigint as facts
  from mart_source_facts f
  join dim_unit u using (unit_id)
 where u.province_id is not null
 group by f.indicator_id, f.period_id, u.province_id, f.ethnicity_code, f.sex
union all
select f.indicator_id, f.period_id, 'district', u.district_id, f.ethnicity_code, f.sex,
       sum(f.value), null::double, null::double, count(*)::bigint
  from mart_source_facts f
  join dim_unit u using (unit_id)
 where u.district_id is not null and f.ethnicity_code = '00'::ethnicity_code_t
 group by f.indicator_id, f.period_id, u.district_id, f.ethnicity_code, f.sex
 order by indicator_id, period_id, level, node_id
