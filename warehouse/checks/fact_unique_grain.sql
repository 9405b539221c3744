-- partition: indicator
-- Two facts for the same cell (indicator × period × unit × ethnicity × sex),
-- e.g. one indicator approved on two forms for the same unit and period.
-- `grain_facts` = every fact sharing an (indicator, period, unit) with this run's
-- facts (the whole table on a full rebuild). `checked_cells` (checks/prepare/
-- checked_cells.sql) finds the cells where an ethnicity code repeats (more facts than
-- distinct codes) in the one aggregation it shares with ethnic_breakdown_adds_up; only
-- those cells' facts are then compared column by column. The facts are read only when
-- there is a candidate at all (`suspects`): inside the ETL's transaction the planner
-- would otherwise hash every fact of the range to probe an empty list.
with candidates as materialized (
  select indicator_id, period_id, unit_id, sex from checked_cells where n <> nd
),
suspects as (
  select f.* from grain_facts f where (select count(*) from candidates) > 0
)
select f.indicator_id, f.period_id, f.unit_id, f.ethnicity_code, f.sex, count(*) as n, list(f.submission_id order by f.submission_id) as submissions
  from suspects f
  semi join candidates c using (indicator_id, period_id, unit_id, sex)
 group by all
having count(*) > 1
 order by all
 limit 100
