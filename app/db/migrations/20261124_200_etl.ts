import type { Knex } from "knex";

/**
 * Warehouse/ETL (issue 4):
 * - etl_runs: every ETL run (start, end, mode, counts, outcome, error), shown on /admin/etl.
 * - submissions.updated_at is touched on every update that doesn't set it, so the
 *   ETL's watermark sees every status change whatever code path made it.
 * - a notification on each status change into or out of "approved", which the
 *   platform's scheduler listens to for the debounced "after approval" run.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("etl_runs", (t) => {
    t.bigIncrements("id");
    t.text("mode").notNullable(); // incremental | full
    t.text("trigger").notNullable(); // cli | schedule | approval | startup | admin | bench | test
    t.text("status").notNullable().defaultTo("running"); // running | succeeded | failed
    t.timestamp("started_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("finished_at", { useTz: true });
    t.integer("duration_ms");
    t.bigInteger("rows_read").notNullable().defaultTo(0);
    t.bigInteger("facts_written").notNullable().defaultTo(0);
    t.bigInteger("facts_retracted").notNullable().defaultTo(0);
    t.integer("submissions_changed").notNullable().defaultTo(0);
    t.integer("checks_passed").notNullable().defaultTo(0);
    t.integer("checks_failed").notNullable().defaultTo(0);
    t.timestamp("watermark_from", { useTz: true });
    t.timestamp("watermark_to", { useTz: true });
    t.text("error");
    t.jsonb("details").notNullable().defaultTo("{}");
    t.text("host");
    t.integer("pid");
  });
  await knex.raw(`alter table etl_runs add constraint etl_runs_status_chk check (status in ('running','succeeded','failed'))`);
  await knex.raw(`alter table etl_runs add constraint etl_runs_mode_chk check (mode in ('incremental','full'))`);
  await knex.raw(`create index etl_runs_started_idx on etl_runs (started_at desc)`);

  await knex.raw(`
    create or replace function submissions_touch_updated_at() returns trigger language plpgsql as $$
    begin
      if new.updated_at is not distinct from old.updated_at then
        new.updated_at := now();
      end if;
      return new;
    end $$;
  `);
  await knex.raw(`create trigger submissions_touch_updated_at_trg before update on submissions for each row execute function submissions_touch_updated_at()`);
  await knex.raw(`
    create or replace function submissions_notify_approval() returns trigger language plpgsql as $$
    begin
      if (new.status = 'approved') is distinct from (old.status = 'approved') then
        perform pg_notify('etl_approval', new.id::text);
      end if;
      return null;
    end $$;
  `);
  await knex.raw(`create trigger submissions_notify_approval_trg after update of status on submissions for each row execute function submissions_notify_approval()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop trigger if exists submissions_notify_approval_trg on submissions`);
  await knex.raw(`drop function if exists submissions_notify_approval()`);
  await knex.raw(`drop trigger if exists submissions_touch_updated_at_trg on submissions`);
  await knex.raw(`drop function if exists submissions_touch_updated_at()`);
  await knex.schema.dropTableIfExists("etl_runs");
}
