-- dim_period: reporting periods (month, quarter, half, year, multi-year).
create table if not exists dim_period (
  period_id      integer not null,
  code           varchar not null,
  type           varchar not null,
  year           integer not null,
  end_year       integer,
  half           integer,
  quarter        integer,
  month          integer,
  start_date     date not null,
  end_date       date not null,
  reference_date date not null,
  deadline       date,
  status         varchar,
  label_vi       varchar not null,
  label_en       varchar not null,
  is_demo        boolean not null default false
);
