-- partition: indicator
-- Where a cell is broken down by ethnicity, the groups add up to the '00' total
-- (within half a unit, for decimals). Cells with groups but no total fail too.
with by_ethnicity as (
  select indicator_id from dim_indicator where disaggregation <> 'none'
),
cells as (
  select indicator_id, period_id, unit_id, sex,
         sum(value) filter (where ethnicity_code = '00') as total,
         count(*) filter (where ethnicity_code = '00') as has_total,
         sum(value) filter (where ethnicity_code <> '00') as groups,
         count(*) filter (where ethnicity_code <> '00') as n_groups
    from checked_facts
   where indicator_id in (select indicator_id from by_ethnicity)
   group by indicator_id, period_id, unit_id, sex
)
select indicator_id, period_id, unit_id, sex, total, groups, n_groups
  from cells
 where n_groups > 0 and (has_total = 0 or abs(coalesce(total, 0) - coalesce(groups, 0)) > 0.5)
 limit 100
