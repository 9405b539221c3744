-- mart_submission_node: completeness pre-aggregated per period × form × scope node
-- (every province and district): fact_submission counted as the completeness query
-- counts it. Rebuilt by the ETL for every period whose fact_submission rows it replaced.
create table if not exists mart_submission_node (
  period_id   integer not null,
  form_code   varchar not null,
  level       varchar not null,   -- province | district
  node_id     integer not null,
  expected    bigint not null,
  not_started bigint not null,
  draft       bigint not null,
  submitted   bigint not null,
  returned    bigint not null,
  approved    bigint not null,
  on_time     bigint not null
);
