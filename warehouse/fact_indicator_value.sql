-- fact_indicator_value: one approved cell. Grain: indicator × period × unit ×
-- ethnicity ('00' = all groups) × sex ('T' both; 'M'/'F' where the form splits by sex,
-- and then T = M + F is derived by the ETL). Only approved submissions appear here.
-- A full rebuild writes the rows sorted by indicator and period (zone maps make
-- selective roll-ups cheap).
create table if not exists fact_indicator_value (
  indicator_id   integer not null,
  period_id      integer not null,
  unit_id        integer not null,
  ethnicity_code ethnicity_code_t not null,  -- types.sql: reads back as the text code
  sex            sex_t not null,
  value          double,
  submission_id  integer not null,
  approved_at    timestamptz
);
