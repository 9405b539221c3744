-- partition: indicator
-- Where a cell is broken down by ethnicity, the groups add up to the '00' total
-- (within half a unit, for decimals). Cells with groups but no total fail too.
-- Reads `checked_cells` (checks/prepare/checked_cells.sql: the cells of this run's facts
-- summarised once, shared with fact_unique_grain).
select indicator_id, period_id, unit_id, sex, total, groups, n_groups
  from checked_cells
 where by_ethnicity and n_groups > 0 and (has_total = 0 or abs(coalesce(total, 0) - coalesce(groups, 0)) > 0.5)
 order by indicator_id, period_id, unit_id, sex
 limit 100
