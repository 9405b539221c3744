-- dim_ethnicity: the 54 groups (official GSO codes), 55 foreigners, 99 unknown,
-- plus '00' = all groups, the key of row totals in the fact table.
create table if not exists dim_ethnicity (
  ethnicity_code varchar not null,
  name_vi        varchar not null,
  name_en        varchar not null,
  is_minority    boolean,
  is_all         boolean not null,
  sort_order     integer not null
);
