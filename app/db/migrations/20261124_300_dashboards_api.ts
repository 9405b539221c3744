import type { Knex } from "knex";

/**
 * Dashboards, analysis, exports and the data-sharing API:
 * - saved_queries: an analyst's named query (URL state), optionally shared
 *   with the other accounts of the same unit (same scope). Results are always
 *   computed under the viewer's own scope.
 * - api_tokens: per-client tokens for /api/v1. Only SHA-256(token) is stored;
 *   the token is shown once. Each token is scoped to a unit subtree.
 * - export_schedules / export_runs: scheduled report exports and their history.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("saved_queries", (t) => {
    t.increments("id");
    t.text("name").notNullable();
    t.integer("owner_user_id").notNullable().references("users.id");
    t.integer("owner_unit_id").notNullable().references("units.id");
    t.boolean("shared").notNullable().defaultTo(false);
    t.jsonb("state").notNullable(); // the analysis query state (validated by app code)
    t.timestamps(true, true);
  });
  await knex.raw(`create index saved_queries_owner_idx on saved_queries (owner_user_id)`);
  await knex.raw(`create index saved_queries_unit_idx on saved_queries (owner_unit_id) where shared`);

  await knex.schema.createTable("api_tokens", (t) => {
    t.increments("id");
    t.text("client_name").notNullable(); // e.g. "UBDT – hệ thống quốc gia", "LGSP tỉnh"
    t.text("token_prefix").notNullable(); // first characters, to recognise a token in logs
    t.text("token_hash").notNullable().unique(); // hex SHA-256 of the whole token
    t.integer("unit_id").notNullable().references("units.id"); // scope: this unit's subtree
    t.integer("rate_limit_per_minute").notNullable().defaultTo(120);
    t.integer("created_by").references("users.id");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("expires_at", { useTz: true });
    t.timestamp("revoked_at", { useTz: true });
    t.integer("revoked_by").references("users.id");
    t.timestamp("last_used_at", { useTz: true });
    t.bigInteger("calls").notNullable().defaultTo(0);
  });

  await knex.schema.createTable("export_schedules", (t) => {
    t.increments("id");
    t.text("name").notNullable();
    t.integer("unit_id").notNullable().references("units.id"); // report subject
    t.text("period_type").notNullable(); // year | half | quarter | month: the latest locked period of this type
    t.specificType("formats", "text[]").notNullable(); // xlsx, pdf
    t.text("cron").notNullable();
    t.boolean("enabled").notNullable().defaultTo(true);
    t.integer("max_attempts").notNullable().defaultTo(3);
    t.integer("created_by").references("users.id");
    t.timestamps(true, true);
  });
  await knex.raw(`alter table export_schedules add constraint export_schedules_period_type_chk check (period_type in ('year','half','quarter','month'))`);

  await knex.schema.createTable("export_runs", (t) => {
    t.bigIncrements("id");
    t.integer("schedule_id").references("export_schedules.id");
    t.text("period_code");
    t.integer("unit_id").references("units.id");
    t.text("status").notNullable(); // running | succeeded | failed
    t.integer("attempt").notNullable().defaultTo(1);
    t.timestamp("started_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("finished_at", { useTz: true });
    t.timestamp("next_retry_at", { useTz: true });
    t.text("error");
    t.jsonb("files").notNullable().defaultTo("[]"); // [{ name, format, bytes }] relative to EXPORT_DIR
    t.integer("requested_by").references("users.id"); // null = the scheduler
  });
  await knex.raw(`alter table export_runs add constraint export_runs_status_chk check (status in ('running','succeeded','failed'))`);
  await knex.raw(`create index export_runs_schedule_idx on export_runs (schedule_id, started_at desc)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("export_runs");
  await knex.schema.dropTable("export_schedules");
  await knex.schema.dropTable("api_tokens");
  await knex.schema.dropTable("saved_queries");
}
