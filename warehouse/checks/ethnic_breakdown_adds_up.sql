-- partition: indicator
-- Where a cell is broken down by ethnicity, the groups add up to the '00' total
-- (within half a unit, for decimals). Cells with groups but no total fail too.
-- (is_total is computed once per row; `not is_total` is `ethnicity_code <> '00'`, null alike.)
with by_ethnicity as (
  select indicator_id from dim_indicator where disaggregation <> 'none'
),
cells as (
  select indicator_id, period_id, unit_id, sex,
         sum(value) filter (where is_total) as total,
         count(*) filter (where is_total) as has_total,
         sum(value) filter (where not is_total) as groups,
         count(*) filter (where not is_total) as n_groups
    from (select indicator_id, period_id, unit_id, sex, value, ethnicity_code = '00' as is_total
            from checked_facts
           where indicator_id in (select indicator_id from by_ethnicity))
   group by indicator_id, period_id, unit_id, sex
)
select indicator_id, period_id, unit_id, sex, total, groups, n_groups
  from cells
 where n_groups > 0 and (has_total = 0 or abs(coalesce(total, 0) - coalesce(groups, 0)) > 0.5)
 limit 100
