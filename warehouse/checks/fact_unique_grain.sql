-- partition: indicator
-- Two facts for the same cell (indicator × period × unit × ethnicity × sex),
-- e.g. one indicator approved on two forms for the same unit and period.
-- `grain_facts` = every fact sharing an (indicator, period, unit) with this run's
-- facts (the whole table on a full rebuild). A single hashed key is checked first
-- (cheap: the hashes are sorted and a hash equal to its predecessor occurs more than
-- once — the same set as grouping by hash having count(*) > 1, without a hash table
-- keyed by every cell), then only the candidate cells are compared column by column.
with hashed as (
  select hash(indicator_id, period_id, unit_id, ethnicity_code, sex) as h from grain_facts
),
dup as (
  select h from (select h, lag(h) over (order by h) as prev from hashed) where h = prev
)
select indicator_id, period_id, unit_id, ethnicity_code, sex, count(*) as n, list(submission_id) as submissions
  from grain_facts
 where hash(indicator_id, period_id, unit_id, ethnicity_code, sex) in (select h from dup)
 group by all
having count(*) > 1
 limit 100
