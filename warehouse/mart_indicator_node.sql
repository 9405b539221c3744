-- mart_indicator_node: the facts pre-aggregated per indicator × period × scope node ×
-- ethnicity × sex, maintained by the ETL in the same transaction as the facts.
-- Province nodes: every ethnicity and sex. District nodes: the all-groups total
-- (ethnicity_code '00') only, every sex — district × ethnicity roll-ups are read from the
-- facts (MARTS_VERSION 3).
-- Sum indicators: v = sum(value). Ratio indicators (rows keyed by the ratio's own id):
-- n, d = sums of numerator and denominator over the cells (unit × period × ethnicity ×
-- sex) where both were reported, so the query layer recomputes n / d × scale exactly as
-- it does over the facts. facts = the number of facts behind the row.
-- A district or a province is a scope node: a user whose grant is that node (or above
-- it) sees whole rows, so the scope filter applies to node_path unchanged.
create table if not exists mart_indicator_node (
  indicator_id   integer not null,
  period_id      integer not null,
  level          varchar not null,   -- province | district
  node_id        integer not null,
  ethnicity_code ethnicity_code_t not null,  -- types.sql
  sex            sex_t not null,
  v              double,
  n              double,
  d              double,
  facts          bigint not null
);
