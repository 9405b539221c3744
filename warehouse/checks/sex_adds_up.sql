-- partition: indicator
-- Where a cell is split by sex, both sexes ('T') equal M + F.
with by_sex as (
  select indicator_id from dim_indicator where disaggregation = 'ethnicity_sex'
),
cells as (
  select indicator_id, period_id, unit_id, ethnicity_code,
         sum(value) filter (where sex = 'T'::sex_t) as both_sexes,
         sum(value) filter (where sex in ('M'::sex_t, 'F'::sex_t)) as by_sex,
         count(*) filter (where sex in ('M'::sex_t, 'F'::sex_t)) as n_split
    from checked_facts
   where indicator_id in (select indicator_id from by_sex)
   group by indicator_id, period_id, unit_id, ethnicity_code
)
select *
  from cells
 where n_split > 0 and abs(coalesce(both_sexes, 0) - coalesce(by_sex, 0)) > 0.5
 limit 100
