import type { Db } from "../db/knex.server.ts";
import type { Scope } from "../scope/scope.ts";
import { whereUnitVisible } from "../scope/scope.server.ts";
import { completeness, type ExpectedUnit } from "./completeness.ts";
import { expectedUnitsQuery, getPeriod } from "./periods.server.ts";
import { templateDefinitionSchema, templateRows } from "../forms/template.ts";

/**
 * A sector department sees its sector's data province-wide: it sees the
 * completeness of a form province-wide only when every indicator of the form
 * is in its sector; otherwise only its own unit.
 */
async function scopeForForm(db: Db, scope: Scope, periodId: number, formCode: string): Promise<Scope> {
  if (scope.grants.every((g) => g.domains === null)) return scope;
  const pf = await db("period_forms as pf").join("form_templates as t", "t.id", "pf.template_id").where({ "pf.period_id": periodId, "pf.form_code": formCode }).first("t.definition");
  if (!pf) return scope;
  const codes = templateRows(templateDefinitionSchema.parse(pf.definition)).map((r) => r.indicator);
  const domains = new Set(await db("indicators").whereIn("code", codes).pluck("domain"));
  return { ...scope, grants: scope.grants.filter((g) => g.domains === null || [...domains].every((d) => g.domains!.includes(d))) };
}

/** Completeness of one period and form, over the units the scope can see. */
export async function completenessFor(db: Db, scope: Scope, periodId: number, formCode: string, now = new Date()) {
  const period = await getPeriod(db, periodId);
  if (!period) return null;
  const q = expectedUnitsQuery(db, periodId, formCode)
    .leftJoin("units as gu", "gu.id", "eu.parent_id")
    .leftJoin("submissions as s", (j) => j.on("s.unit_id", "eu.id").andOn("s.period_id", db.raw("?", [periodId])).andOn("s.form_code", db.raw("?", [formCode])))
    .select("eu.id as unitId", "eu.name as unitName", "eu.tier", "eu.parent_id", "gu.name as parentName", "s.status", "s.first_submitted_at as firstSubmittedAt", "s.id as submissionId");
  whereUnitVisible(q, await scopeForForm(db, scope, periodId, formCode), "eu.id");
  const rows = await q;
  const units: ExpectedUnit[] = rows.map((r) => ({
    unitId: r.unitId,
    unitName: r.unitName,
    tier: r.tier,
    groupId: r.tier === "commune" ? r.parent_id : r.tier === "department" ? -1 : r.unitId,
    groupName: r.tier === "commune" ? r.parentName : r.tier === "department" ? "Sở, ban, ngành" : r.unitName,
    status: r.status ?? "not_started",
    firstSubmittedAt: r.firstSubmittedAt,
    submissionId: r.submissionId,
  }));
  return { period, formCode, ...completeness(units, period.deadline, now) };
}

/** Forms asked for in a period (for the completeness page's pickers). */
export async function formsOfPeriod(db: Db, periodId: number): Promise<{ form_code: string; title_vi: string }[]> {
  return db("period_forms as pf").join("form_templates as t", "t.id", "pf.template_id").where("pf.period_id", periodId).distinct("pf.form_code", "t.title_vi").orderBy("pf.form_code");
}
