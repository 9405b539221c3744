-- Facts with a missing key. `checked_facts` = the facts this run wrote
-- (all of them on a full rebuild, those of changed submissions otherwise).
select 'fact_indicator_value' as tbl, indicator_id, period_id, unit_id, ethnicity_code, sex, submission_id
  from checked_facts
 where indicator_id is null or period_id is null or unit_id is null
    or ethnicity_code is null or sex is null or submission_id is null
 limit 100
