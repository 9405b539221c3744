-- dim_unit: one row per unit record (units are never rewritten: a reorganisation
-- closes a unit with valid_to and creates new ones), with its flattened hierarchy.
-- province/department/district/commune columns name the ancestor at each tier
-- (null when the unit sits on another branch), so facts roll up by a join.
create table if not exists dim_unit (
  unit_id         integer not null,
  code            varchar not null,
  gso_code        varchar,
  name            varchar not null,
  tier            varchar not null,   -- province | department | district | commune
  kind            varchar,
  parent_id       integer,
  path            varchar not null,   -- "/1/12/345/" as in the operational store
  depth           integer not null,
  province_id     integer,
  province_name   varchar,
  province_code   varchar,
  department_id   integer,
  department_name varchar,
  department_code varchar,
  district_id     integer,
  district_name   varchar,
  district_code   varchar,
  commune_id      integer,
  commune_name    varchar,
  commune_code    varchar,
  valid_from      date not null,
  valid_to        date                -- null = still valid
);
