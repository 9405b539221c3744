-- etl_state: the warehouse's own bookkeeping, written in the same transaction as
-- the facts, so the watermark can never run ahead of (or behind) the data.
create table if not exists etl_state (
  key   varchar not null,
  value varchar not null
);
