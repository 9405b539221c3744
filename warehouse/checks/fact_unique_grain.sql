-- Two facts for the same cell (indicator × period × unit × ethnicity × sex),
-- e.g. one indicator approved on two forms for the same unit and period.
with changed as (
  select distinct indicator_id, period_id, unit_id from checked_facts
),
candidates as (
  select f.indicator_id, f.period_id, f.unit_id, f.ethnicity_code, f.sex, f.submission_id
    from fact_indicator_value f
    join changed c using (indicator_id, period_id, unit_id)
)
select indicator_id, period_id, unit_id, ethnicity_code, sex, count(*) as n, list(submission_id) as submissions
  from candidates
 group by all
having count(*) > 1
 limit 100
