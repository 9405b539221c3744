-- Dimension keys are unique and not null.
select 'dim_unit' as dim, unit_id::varchar as key, count(*) as n from dim_unit group by unit_id having count(*) > 1 or unit_id is null
union all
select 'dim_period', period_id::varchar, count(*) from dim_period group by period_id having count(*) > 1 or period_id is null
union all
select 'dim_indicator', indicator_id::varchar, count(*) from dim_indicator group by indicator_id having count(*) > 1 or indicator_id is null
union all
select 'dim_ethnicity', ethnicity_code, count(*) from dim_ethnicity group by ethnicity_code having count(*) > 1 or ethnicity_code is null
