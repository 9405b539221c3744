import type { Knex } from "knex";

/**
 * Safe operation (issue 6): the record of backups and restore tests shown on
 * the admin page, one-time MFA recovery codes (stored hashed) and the TOTP
 * replay guard (the last accepted time step per user).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("backup_runs", (t) => {
    t.bigIncrements("id");
    t.text("kind").notNullable(); // backup | restore_test
    t.text("status").notNullable(); // running | ok | failed
    t.timestamp("started_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("finished_at", { useTz: true });
    t.text("backup_name");
    t.text("schema_version");
    t.bigInteger("total_rows");
    t.bigInteger("bytes");
    t.text("triggered_by"); // cli | scheduler | admin:<username>
    t.jsonb("details").notNullable().defaultTo("{}");
    t.text("error");
  });
  await knex.raw(`alter table backup_runs add constraint backup_runs_kind_chk check (kind in ('backup','restore_test'))`);
  await knex.raw(`alter table backup_runs add constraint backup_runs_status_chk check (status in ('running','ok','failed'))`);
  await knex.raw(`create index backup_runs_started_idx on backup_runs (started_at desc)`);

  await knex.schema.createTable("mfa_recovery_codes", (t) => {
    t.bigIncrements("id");
    t.integer("user_id").notNullable().references("users.id");
    t.text("code_hash").notNullable(); // SHA-256 hex of the normalised code (codes are 50-bit random)
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("used_at", { useTz: true });
  });
  await knex.raw(`create index mfa_recovery_codes_user_idx on mfa_recovery_codes (user_id)`);

  await knex.schema.alterTable("users", (t) => {
    t.bigInteger("totp_last_step"); // RFC 6238 §5.2: a code is accepted once
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("users", (t) => t.dropColumn("totp_last_step"));
  await knex.schema.dropTable("mfa_recovery_codes");
  await knex.schema.dropTable("backup_runs");
}
