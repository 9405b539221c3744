-- Facts pointing at a unit, period, indicator or ethnicity the dimensions don't know,
-- or at a ratio indicator (ratios are recomputed, never stored), or at an unknown sex.
with keys as (
  select distinct indicator_id, period_id, unit_id, ethnicity_code, sex from checked_facts
)
select k.*,
       case when u.unit_id is null then 'unit'
            when p.period_id is null then 'period'
            when i.indicator_id is null then 'indicator'
            when e.ethnicity_code is null then 'ethnicity'
            when i.aggregation <> 'sum' then 'ratio indicator stored as fact'
            else 'sex' end as problem
  from keys k
  left join dim_unit u on u.unit_id = k.unit_id
  left join dim_period p on p.period_id = k.period_id
  left join dim_indicator i on i.indicator_id = k.indicator_id
  left join dim_ethnicity e on e.ethnicity_code = k.ethnicity_code
 where u.unit_id is null or p.period_id is null or i.indicator_id is null or e.ethnicity_code is null
    or i.aggregation <> 'sum' or k.sex not in ('T', 'M', 'F')
 limit 100
