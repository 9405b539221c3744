import type { Knex } from "knex";

/**
 * Forms and workflow (issue 3): indexes for the approver queue and
 * completeness, one assignment per (period, form, tier|unit), settings for
 * the approver's diff, and a last line of defence: values of an approved
 * submission cannot be updated (the server refuses first; this catches a
 * bug or a hand-written UPDATE).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index if not exists submissions_approver_idx on submissions (approver_unit_id, status)`);
  await knex.raw(`create index if not exists submissions_period_form_idx on submissions (period_id, form_code)`);
  await knex.raw(`create index if not exists period_forms_period_idx on period_forms (period_id, form_code)`);
  await knex.raw(`create unique index if not exists period_forms_tier_uq on period_forms (period_id, form_code, tier) where tier is not null`);
  await knex.raw(`create unique index if not exists period_forms_unit_uq on period_forms (period_id, form_code, unit_id) where unit_id is not null`);
  await knex.raw(`alter table period_forms add constraint period_forms_target_chk check ((tier is null) <> (unit_id is null))`);
  await knex.raw(`
    create or replace function submission_values_refuse_approved() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from submissions s where s.id = new.submission_id and s.status = 'approved')
         and new.value is distinct from old.value then
        raise exception 'submission % is approved: values are locked', new.submission_id using errcode = 'insufficient_privilege';
      end if;
      return new;
    end $$;
  `);
  await knex.raw(`create trigger submission_values_approved_locked before update on submission_values for each row execute function submission_values_refuse_approved()`);
  await knex("platform_state")
    .insert({ key: "forms.diff", value: JSON.stringify({ moveFactor: 1.5 }) })
    .onConflict("key")
    .ignore();
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop trigger if exists submission_values_approved_locked on submission_values`);
  await knex.raw(`drop function if exists submission_values_refuse_approved()`);
  await knex.raw(`alter table period_forms drop constraint if exists period_forms_target_chk`);
  await knex.raw(`drop index if exists period_forms_unit_uq`);
  await knex.raw(`drop index if exists period_forms_tier_uq`);
  await knex.raw(`drop index if exists period_forms_period_idx`);
  await knex.raw(`drop index if exists submissions_period_form_idx`);
  await knex.raw(`drop index if exists submissions_approver_idx`);
}
