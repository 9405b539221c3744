-- fact_submission: completeness. Grain: period × form × unit expected to report
-- (from period_forms) or having a submission. status 'not_started' = expected,
-- no submission yet. on_time = first submitted on or before the deadline.
create table if not exists fact_submission (
  period_id          integer not null,
  form_code          varchar not null,
  unit_id            integer not null,
  submission_id      integer,
  status             varchar not null,  -- not_started | draft | submitted | returned | approved
  expected           boolean not null,
  approver_unit_id   integer,
  first_submitted_at timestamptz,
  submitted_at       timestamptz,
  approved_at        timestamptz,
  deadline           date,
  on_time            boolean,
  source_updated_at  timestamptz,       -- submissions.updated_at seen by the ETL
  is_demo            boolean not null default false
);
