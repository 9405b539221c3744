-- partition: indicator
-- Two facts for the same cell (indicator × period × unit × ethnicity × sex),
-- e.g. one indicator approved on two forms for the same unit and period.
-- `grain_facts` = every fact sharing an (indicator, period, unit) with this run's
-- facts (the whole table on a full rebuild). A single hashed key is grouped first
-- (cheap), then only the candidate cells are compared column by column.
with hashed as (
  select hash(indicator_id, period_id, unit_id, ethnicity_code, sex) as h from grain_facts
),
dup as (
  select h from hashed group by h having count(*) > 1
)
select indicator_id, period_id, unit_id, ethnicity_code, sex, count(*) as n, list(submission_id) as submissions
  from grain_facts
 where hash(indicator_id, period_id, unit_id, ethnicity_code, sex) in (select h from dup)
 group by all
having count(*) > 1
 limit 100
