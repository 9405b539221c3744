-- checked_cells: the cells (indicator × period × unit × sex) of `grain_facts` that break a
-- rule comparing facts within one cell, summarised in one aggregation for the two checks
-- that read it (fact_unique_grain, ethnic_breakdown_adds_up) instead of one pass each.
-- The runner builds it as a temp table before those checks, over the same facts.
--   n        facts in the cell;
--   nd       distinct ethnicity codes among them: a code is its position (0–99) in
--            ethnicity_code_t (types.sql); a cell ORs one bit per code into two 64-bit
--            integers (positions 0–59 and 60–99; no shift reaches the sign bit) and counts
--            the bits — so n > nd exactly when an (ethnicity, sex) repeats. (One 128-bit
--            integer is ~30 % slower.)
--   total / has_total      the '00' fact(s): their sum and count;
--   groups / n_groups      the other codes: their sum and count.
-- Kept: cells with a repeated code, and cells of by-ethnicity indicators whose groups don't
-- add up to the total (±0.5) or have no total. The checks re-state their own condition.
with by_ethnicity as (
  select indicator_id from dim_indicator where disaggregation <> 'none'
),
cells as (
  select indicator_id, period_id, unit_id, sex,
         count(*) as n,
         bit_count(bit_or(case when code < 60 then (1::bigint) << code else 0::bigint end))
           + bit_count(bit_or(case when code >= 60 then (1::bigint) << (code - 60) else 0::bigint end)) as nd,
         sum(value) filter (where is_total) as total,
         count(*) filter (where is_total) as has_total,
         sum(value) filter (where not is_total) as groups,
         count(*) filter (where not is_total) as n_groups
    from (select indicator_id, period_id, unit_id, sex, enum_code(ethnicity_code)::bigint as code, value,
                 ethnicity_code = '00'::ethnicity_code_t as is_total
            from grain_facts)
   group by indicator_id, period_id, unit_id, sex
)
select c.*, c.indicator_id in (select indicator_id from by_ethnicity) as by_ethnicity
  from cells c
 where c.n <> c.nd
    or (c.indicator_id in (select indicator_id from by_ethnicity)
        and c.n_groups > 0 and (c.has_total = 0 or abs(coalesce(c.total, 0) - coalesce(c.groups, 0)) > 0.5))
