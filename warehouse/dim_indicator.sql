-- dim_indicator: the catalogue. Ratio indicators carry no facts of their own:
-- the query layer recomputes them as sum(numerator) / sum(denominator) * ratio_scale.
create table if not exists dim_indicator (
  indicator_id     integer not null,
  code             varchar not null,
  name_vi          varchar not null,
  name_en          varchar not null,
  domain           varchar not null,
  unit_vi          varchar not null,
  unit_en          varchar not null,
  value_type       varchar not null,  -- integer | decimal
  disaggregation   varchar not null,  -- none | ethnicity | ethnicity_sex
  aggregation      varchar not null,  -- sum | ratio
  numerator_id     integer,
  numerator_code   varchar,
  denominator_id   integer,
  denominator_code varchar,
  ratio_scale      double
);
