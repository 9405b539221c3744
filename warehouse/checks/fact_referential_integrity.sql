-- Facts pointing at a unit, period, indicator or ethnicity the dimensions don't
-- know, at a ratio indicator (ratios are recomputed, never stored), or at an
-- unknown sex. One anti-join per key on its distinct values (cheap at any scale).
with f_unit as (select distinct unit_id from checked_facts),
f_period as (select distinct period_id from checked_facts),
f_indicator as (select distinct indicator_id from checked_facts),
f_eth as (select distinct ethnicity_code from checked_facts),
f_sex as (select distinct sex from checked_facts)
select 'unit' as problem, unit_id::varchar as key from f_unit anti join dim_unit using (unit_id)
union all
select 'period', period_id::varchar from f_period anti join dim_period using (period_id)
union all
select 'indicator', indicator_id::varchar from f_indicator anti join dim_indicator using (indicator_id)
union all
select 'ratio indicator stored as fact', f.indicator_id::varchar from f_indicator f join dim_indicator i using (indicator_id) where i.aggregation <> 'sum'
union all
select 'ethnicity', ethnicity_code from f_eth anti join dim_ethnicity using (ethnicity_code)
union all
select 'sex', sex from f_sex where sex not in ('T', 'M', 'F')
limit 100
