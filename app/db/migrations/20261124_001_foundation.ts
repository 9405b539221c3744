import type { Knex } from "knex";

/**
 * The operational model: units, accounts, sessions, audit, reference
 * catalogues, forms, periods and submissions. Later migrations extend it;
 * this one is never edited once released.
 */
export async function up(knex: Knex): Promise<void> {
  // ---- Unit hierarchy -----------------------------------------------------
  await knex.schema.createTable("units", (t) => {
    t.increments("id");
    t.text("code").notNullable().unique(); // GSO code for districts/communes, "DEP-xx" for departments, "04" root
    t.text("gso_code");
    t.text("name").notNullable(); // official name (GSO for districts/communes)
    t.text("letter_name"); // spelling in the province's 2022 letter when it differs
    t.specificType("aliases", "text[]").notNullable().defaultTo("{}");
    t.text("tier").notNullable(); // province | department | district | commune
    t.text("kind").notNullable(); // Tỉnh, Sở/ngành, Huyện, Thành phố, Xã, Phường, Thị trấn
    t.integer("parent_id").references("units.id");
    t.text("path").notNullable(); // materialised path "/1/12/345/" for subtree queries
    t.specificType("sector_domains", "text[]").notNullable().defaultTo("{}"); // departments: indicator domains they own
    t.date("valid_from").notNullable();
    t.date("valid_to"); // null = still valid
    t.timestamps(true, true);
  });
  await knex.raw(`alter table units add constraint units_tier_chk check (tier in ('province','department','district','commune'))`);
  await knex.raw(`create index units_path_idx on units (path text_pattern_ops)`);
  await knex.raw(`create index units_parent_idx on units (parent_id)`);

  // ---- Accounts -----------------------------------------------------------
  await knex.schema.createTable("users", (t) => {
    t.increments("id");
    t.text("username").notNullable().unique();
    t.text("username_as_issued"); // as written in the province's letter
    t.integer("unit_id").notNullable().references("units.id");
    t.specificType("roles", "text[]").notNullable().defaultTo("{}");
    t.text("password_hash").notNullable();
    t.boolean("must_change_password").notNullable().defaultTo(true);
    t.timestamp("password_changed_at", { useTz: true });
    t.timestamp("initial_password_expires_at", { useTz: true }); // production: one-time initial password
    t.integer("failed_attempts").notNullable().defaultTo(0);
    t.timestamp("locked_until", { useTz: true });
    t.text("status").notNullable().defaultTo("active"); // active | closed
    t.timestamp("closed_at", { useTz: true });
    t.text("closed_reason");
    t.text("totp_secret");
    t.timestamp("totp_enabled_at", { useTz: true });
    t.timestamp("last_login_at", { useTz: true });
    t.timestamps(true, true);
  });
  await knex.raw(`alter table users add constraint users_status_chk check (status in ('active','closed'))`);
  await knex.raw(`create index users_unit_idx on users (unit_id)`);

  await knex.schema.createTable("password_history", (t) => {
    t.bigIncrements("id");
    t.integer("user_id").notNullable().references("users.id");
    t.text("password_hash").notNullable();
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // Responsible official of an account, with history (one row per handover).
  await knex.schema.createTable("account_officials", (t) => {
    t.bigIncrements("id");
    t.integer("user_id").notNullable().references("users.id");
    t.text("full_name").notNullable();
    t.text("title");
    t.text("department");
    t.text("phone");
    t.text("email");
    t.date("handover_date");
    t.integer("recorded_by").references("users.id");
    t.timestamp("recorded_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // Sessions after the Lucia guide: token = id + "." + secret; only SHA-256(secret) is stored.
  await knex.schema.createTable("sessions", (t) => {
    t.text("id").primary();
    t.binary("secret_hash").notNullable();
    t.integer("user_id").notNullable().references("users.id");
    t.timestamp("created_at", { useTz: true }).notNullable();
    t.timestamp("last_seen_at", { useTz: true }).notNullable();
    t.timestamp("expires_at", { useTz: true }).notNullable(); // absolute lifetime
    t.text("ip");
    t.text("user_agent");
    t.boolean("mfa_verified").notNullable().defaultTo(false);
    t.text("csrf_secret");
  });
  await knex.raw(`create index sessions_user_idx on sessions (user_id)`);

  // ---- Audit: append-only, hash-chained -----------------------------------
  await knex.schema.createTable("audit_log", (t) => {
    t.bigIncrements("id");
    t.timestamp("at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer("actor_user_id");
    t.text("actor_username");
    t.integer("unit_id");
    t.text("action").notNullable();
    t.text("target_type");
    t.text("target_id");
    t.text("ip");
    t.jsonb("details").notNullable().defaultTo("{}");
    t.text("prev_hash").notNullable();
    t.text("hash").notNullable();
  });
  await knex.raw(`create index audit_log_at_idx on audit_log (at)`);
  await knex.raw(`create index audit_log_action_idx on audit_log (action)`);
  await knex.raw(`create index audit_log_actor_idx on audit_log (actor_user_id)`);
  // The chain: hash = sha256(prev_hash | id | at | actor | unit | action | target | details).
  // Computed in the database under a transaction-scoped advisory lock so that
  // concurrent writers cannot fork the chain.
  await knex.raw(`
    create or replace function audit_log_chain() returns trigger language plpgsql as $$
    declare last_hash text;
    begin
      perform pg_advisory_xact_lock(7246001);
      -- the id is taken under the lock, so id order is chain order
      new.id := nextval(pg_get_serial_sequence('audit_log', 'id'));
      select hash into last_hash from audit_log order by id desc limit 1;
      new.prev_hash := coalesce(last_hash, repeat('0', 64));
      new.at := coalesce(new.at, now());
      new.hash := encode(sha256(convert_to(audit_log_payload(new.prev_hash, new.id, new.at, new.actor_user_id,
        new.actor_username, new.unit_id, new.action, new.target_type, new.target_id, new.details), 'UTF8')), 'hex');
      return new;
    end $$;
  `);
  await knex.raw(`
    create or replace function audit_log_payload(prev text, id bigint, at timestamptz, actor int, actor_name text,
      unit int, action text, ttype text, tid text, details jsonb) returns text language sql immutable as $$
      select concat_ws('|', prev, id::text, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        coalesce(actor::text, ''), coalesce(actor_name, ''), coalesce(unit::text, ''), action,
        coalesce(ttype, ''), coalesce(tid, ''), details::text)
    $$;
  `);
  await knex.raw(`create trigger audit_log_chain_trg before insert on audit_log for each row execute function audit_log_chain()`);
  await knex.raw(`
    create or replace function refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'append-only table %: % refused', tg_table_name, tg_op using errcode = 'insufficient_privilege';
    end $$;
  `);
  await knex.raw(`create trigger audit_log_append_only before update or delete on audit_log for each row execute function refuse_change()`);
  await knex.raw(`create trigger audit_log_no_truncate before truncate on audit_log for each statement execute function refuse_change()`);

  // ---- Reference catalogues -----------------------------------------------
  await knex.schema.createTable("ethnicities", (t) => {
    t.text("code").primary(); // GSO code 01–54 (QĐ 121-TCTK/PPCĐ), 55 foreigners, 99 unknown
    t.text("name_vi").notNullable();
    t.text("name_en").notNullable();
    t.text("other_names");
    t.boolean("is_minority").notNullable();
    t.bigInteger("pop_vn_2019");
    t.bigInteger("pop_caobang_2019");
    t.integer("sort_order").notNullable();
  });

  await knex.schema.createTable("indicators", (t) => {
    t.increments("id");
    t.text("code").notNullable().unique();
    t.text("name_vi").notNullable();
    t.text("name_en").notNullable();
    t.text("domain").notNullable(); // population | poverty | infrastructure | education | health | policy
    t.text("unit_vi").notNullable(); // unit of measure
    t.text("unit_en").notNullable();
    t.text("value_type").notNullable(); // integer | decimal
    t.text("disaggregation").notNullable(); // none | ethnicity | ethnicity_sex
    t.text("aggregation").notNullable(); // sum | ratio
    t.text("numerator_code");
    t.text("denominator_code");
    t.decimal("ratio_scale", 12, 4); // 100 for %, 1000 for ‰
    t.decimal("min_value", 20, 4);
    t.decimal("max_value", 20, 4);
    t.decimal("plausible_min", 20, 4);
    t.decimal("plausible_max", 20, 4);
    t.text("source");
    t.text("description");
    t.timestamps(true, true);
  });
  await knex.raw(`alter table indicators add constraint indicators_agg_chk check (aggregation in ('sum','ratio'))`);
  await knex.raw(`alter table indicators add constraint indicators_disagg_chk check (disaggregation in ('none','ethnicity','ethnicity_sex'))`);

  // ---- Forms and periods --------------------------------------------------
  await knex.schema.createTable("form_templates", (t) => {
    t.increments("id");
    t.text("code").notNullable();
    t.integer("version").notNullable();
    t.text("title_vi").notNullable();
    t.text("title_en").notNullable();
    t.jsonb("definition").notNullable(); // validated by app/forms/template.ts
    t.text("status").notNullable().defaultTo("draft"); // draft | published | retired
    t.timestamp("published_at", { useTz: true });
    t.timestamp("retired_at", { useTz: true });
    t.integer("created_by").references("users.id");
    t.timestamps(true, true);
    t.unique(["code", "version"]);
  });

  await knex.schema.createTable("periods", (t) => {
    t.increments("id");
    t.text("code").notNullable().unique(); // 2024, 2024-H1, 2024-Q3, 2024-07, 2021-2025
    t.text("type").notNullable(); // month | quarter | half | year | multi_year
    t.integer("year").notNullable();
    t.integer("end_year");
    t.integer("half");
    t.integer("quarter");
    t.integer("month");
    t.date("start_date").notNullable();
    t.date("end_date").notNullable();
    t.date("reference_date").notNullable(); // "số liệu tính đến"
    t.date("entry_opens_on");
    t.date("deadline").notNullable();
    t.text("status").notNullable().defaultTo("draft"); // draft | open | closed | locked
    t.text("label_vi").notNullable();
    t.text("label_en").notNullable();
    t.boolean("is_demo").notNullable().defaultTo(false);
    t.timestamps(true, true);
  });

  // Which forms a period asks for, from a tier or from chosen units.
  await knex.schema.createTable("period_forms", (t) => {
    t.increments("id");
    t.integer("period_id").notNullable().references("periods.id");
    t.text("form_code").notNullable();
    t.integer("template_id").notNullable().references("form_templates.id"); // version used for new submissions
    t.text("tier"); // district | commune | department
    t.integer("unit_id").references("units.id");
  });

  await knex.schema.createTable("submissions", (t) => {
    t.increments("id");
    t.integer("period_id").notNullable().references("periods.id");
    t.text("form_code").notNullable();
    t.integer("template_id").notNullable().references("form_templates.id");
    t.integer("unit_id").notNullable().references("units.id");
    t.integer("approver_unit_id").references("units.id");
    t.text("status").notNullable().defaultTo("draft"); // draft | submitted | returned | approved
    t.integer("version").notNullable().defaultTo(1); // optimistic concurrency
    t.timestamp("submitted_at", { useTz: true });
    t.timestamp("first_submitted_at", { useTz: true });
    t.timestamp("approved_at", { useTz: true });
    t.integer("approved_by").references("users.id");
    t.text("return_reason");
    t.integer("created_by").references("users.id");
    t.integer("updated_by").references("users.id");
    t.boolean("is_demo").notNullable().defaultTo(false);
    t.timestamps(true, true);
    t.unique(["period_id", "form_code", "unit_id"]);
  });
  await knex.raw(`alter table submissions add constraint submissions_status_chk check (status in ('draft','submitted','returned','approved'))`);
  await knex.raw(`create index submissions_unit_idx on submissions (unit_id)`);
  await knex.raw(`create index submissions_updated_idx on submissions (updated_at)`);

  // One cell of a form. ethnicity_code '00' = all groups (total); sex 'T' = both.
  await knex.schema.createTable("submission_values", (t) => {
    t.integer("submission_id").notNullable().references("submissions.id");
    t.integer("indicator_id").notNullable().references("indicators.id");
    t.text("ethnicity_code").notNullable().defaultTo("00");
    t.text("sex").notNullable().defaultTo("T");
    t.decimal("value", 20, 4); // null = cleared (rows are never deleted)
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer("updated_by").references("users.id");
    t.primary(["submission_id", "indicator_id", "ethnicity_code", "sex"]);
  });
  await knex.raw(`alter table submission_values add constraint submission_values_sex_chk check (sex in ('T','M','F'))`);

  // Workflow history: append-only.
  await knex.schema.createTable("submission_transitions", (t) => {
    t.bigIncrements("id");
    t.integer("submission_id").notNullable().references("submissions.id");
    t.text("from_status");
    t.text("to_status").notNullable();
    t.integer("actor_user_id").references("users.id");
    t.text("actor_username");
    t.text("reason");
    t.timestamp("at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`create index submission_transitions_sub_idx on submission_transitions (submission_id)`);
  await knex.raw(`create trigger submission_transitions_append_only before update or delete on submission_transitions for each row execute function refuse_change()`);
  // Submissions and their values are never hard-deleted.
  await knex.raw(`create trigger submissions_no_delete before delete on submissions for each row execute function refuse_change()`);
  await knex.raw(`create trigger submission_values_no_delete before delete on submission_values for each row execute function refuse_change()`);

  // Platform state (seed markers, settings).
  await knex.schema.createTable("platform_state", (t) => {
    t.text("key").primary();
    t.jsonb("value").notNullable();
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(): Promise<void> {
  throw new Error("The foundation migration is not reversible: restore from a backup instead.");
}
