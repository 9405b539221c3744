-- fact_submission: keys present, one row per period × form × unit, known unit and period,
-- and approved rows carry an approval time.
select period_id, form_code, unit_id, 'duplicate' as problem from fact_submission group by all having count(*) > 1
union all
select period_id, form_code, unit_id, 'null key' from fact_submission where period_id is null or form_code is null or unit_id is null
union all
select fs.period_id, fs.form_code, fs.unit_id, 'unknown unit or period'
  from fact_submission fs
  left join dim_unit u on u.unit_id = fs.unit_id
  left join dim_period p on p.period_id = fs.period_id
 where u.unit_id is null or p.period_id is null
union all
select period_id, form_code, unit_id, 'approved without approved_at' from fact_submission where status = 'approved' and approved_at is null
