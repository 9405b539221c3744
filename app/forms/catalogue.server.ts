import type { AuditActor } from "../audit/audit.server.ts";
import type { Knex } from "knex";
import type { Db } from "../db/knex.server.ts";
import { writeAudit } from "../audit/audit.server.ts";
import { templateDefinitionSchema, type CatalogueIndicator, type TemplateDefinition } from "./template.ts";
import { indicatorsOf, parseTemplateSource, detectFormat, type SourceIssue } from "./template-source.ts";
import type { EntryContext, IndicatorMeta } from "./entry.ts";

/**
 * The form catalogue in Postgres: versions of each form code. Upload makes a
 * draft (next version); publishing it retires the previously published
 * version. Submissions keep the template_id they were made on, so a new
 * version never changes an old submission.
 */
type Conn = Db | Knex.Transaction;

/** The signed-in user acting (the audit trail's actor). */
export type Actor = AuditActor;

export interface TemplateRecord {
  id: number;
  code: string;
  version: number;
  title_vi: string;
  title_en: string;
  status: "draft" | "published" | "retired";
  published_at: Date | null;
  retired_at: Date | null;
  definition: TemplateDefinition;
}

export async function loadIndicatorMeta(db: Conn): Promise<Map<string, IndicatorMeta>> {
  const rows = await db("indicators").select(
    "code", "name_vi", "name_en", "unit_vi", "domain", "value_type", "disaggregation", "aggregation", "min_value", "max_value", "plausible_min", "plausible_max",
  );
  return new Map(rows.map((r) => [r.code, r as IndicatorMeta]));
}

export async function loadCatalogue(db: Conn): Promise<Map<string, CatalogueIndicator>> {
  const rows = await db("indicators").select("code", "aggregation", "disaggregation", "value_type");
  return new Map(rows.map((r) => [r.code, r]));
}

export interface Ethnicity {
  code: string;
  name_vi: string;
  name_en: string;
  sort_order: number;
}

export async function loadEthnicities(db: Conn): Promise<Ethnicity[]> {
  return db("ethnicities").select("code", "name_vi", "name_en", "sort_order").orderBy("sort_order");
}

export async function entryContextFor(db: Conn, definition: TemplateDefinition): Promise<EntryContext> {
  const [indicators, eth] = await Promise.all([loadIndicatorMeta(db), loadEthnicities(db)]);
  return { definition, indicators, ethnicityCodes: new Set(eth.map((e) => e.code).filter((c) => c !== "00")) };
}

function toRecord(r: Record<string, unknown>): TemplateRecord {
  const def = typeof r.definition === "string" ? JSON.parse(r.definition) : r.definition;
  return { ...(r as unknown as TemplateRecord), definition: templateDefinitionSchema.parse(def) };
}

export async function getTemplate(db: Conn, id: number): Promise<TemplateRecord | null> {
  const r = await db("form_templates").where({ id }).first();
  return r ? toRecord(r) : null;
}

export async function listTemplates(db: Conn): Promise<Omit<TemplateRecord, "definition">[]> {
  return db("form_templates").select("id", "code", "version", "title_vi", "title_en", "status", "published_at", "retired_at").orderBy([{ column: "code" }, { column: "version", order: "desc" }]);
}

export async function publishedTemplate(db: Conn, code: string): Promise<TemplateRecord | null> {
  const r = await db("form_templates").where({ code, status: "published" }).orderBy("version", "desc").first();
  return r ? toRecord(r) : null;
}

/** Indicators of every other form code that is in use (published, or retired with submissions). */
export async function otherFormIndicators(db: Conn, exceptTemplateId?: number): Promise<Map<string, Set<string>>> {
  const rows = await db("form_templates as t")
    .where((q) => q.where("t.status", "published").orWhereExists(db("submissions as s").whereRaw("s.template_id = t.id").select(db.raw("1"))))
    .modify((q) => (exceptTemplateId ? q.whereNot("t.id", exceptTemplateId) : q))
    .select("t.code", "t.definition");
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const def = templateDefinitionSchema.parse(r.definition);
    const set = out.get(r.code) ?? new Set<string>();
    for (const i of indicatorsOf(def)) set.add(i);
    out.set(r.code, set);
  }
  return out;
}

export type UploadResult = { ok: true; template: TemplateRecord } | { ok: false; issues: SourceIssue[] };

/** Check an uploaded JSON/YAML text; when it is valid, store it as the next draft version of its code. */
export async function uploadTemplate(db: Db, actor: Actor, text: string, filename?: string | null): Promise<UploadResult> {
  const parsed = parseTemplateSource(text, await loadCatalogue(db), await otherFormIndicators(db), detectFormat(filename, text));
  if (!parsed.ok) return parsed;
  const def = parsed.definition;
  return db.transaction(async (trx) => {
    await trx.raw("select pg_advisory_xact_lock(7246100, hashtext(?))", [def.code]);
    const max = await trx("form_templates").where({ code: def.code }).max("version as v").first();
    const version = (Number(max?.v) || 0) + 1;
    const [row] = await trx("form_templates")
      .insert({ code: def.code, version, title_vi: def.title_vi, title_en: def.title_en, definition: JSON.stringify(def), status: "draft", created_by: actor.userId })
      .returning("*");
    await writeAudit(trx, { actorUserId: actor.userId, actorUsername: actor.username, unitId: actor.unitId, ip: actor.ip, action: "forms.template_uploaded", targetType: "form_template", targetId: row.id, details: { code: def.code, version, filename: filename ?? null } });
    return { ok: true as const, template: toRecord(row) };
  });
}

export class CatalogueError extends Error {
  override name = "CatalogueError";
}

export async function publishTemplate(db: Db, actor: Actor, id: number): Promise<TemplateRecord> {
  return db.transaction(async (trx) => {
    const t = await trx("form_templates").where({ id }).forUpdate().first();
    if (!t) throw new CatalogueError("Không tìm thấy biểu mẫu / template not found");
    if (t.status !== "draft") throw new CatalogueError("Chỉ công bố được phiên bản nháp / only a draft can be published");
    // re-check at publish time: another code may have claimed an indicator since the upload
    const def = templateDefinitionSchema.parse(t.definition);
    const others = await otherFormIndicators(trx, id);
    for (const [code, inds] of others)
      for (const i of indicatorsOf(def))
        if (code !== t.code && inds.has(i)) throw new CatalogueError(`Chỉ tiêu ${i} đã thuộc biểu ${code} / indicator already belongs to ${code}`);
    const retired = await trx("form_templates").where({ code: t.code, status: "published" }).update({ status: "retired", retired_at: trx.fn.now(), updated_at: trx.fn.now() }).returning("id");
    const [row] = await trx("form_templates").where({ id }).update({ status: "published", published_at: trx.fn.now(), updated_at: trx.fn.now() }).returning("*");
    await writeAudit(trx, { actorUserId: actor.userId, actorUsername: actor.username, unitId: actor.unitId, ip: actor.ip, action: "forms.template_published", targetType: "form_template", targetId: id, details: { code: t.code, version: t.version, retired: retired.map((r: { id: number }) => r.id) } });
    return toRecord(row);
  });
}

export async function retireTemplate(db: Db, actor: Actor, id: number): Promise<void> {
  await db.transaction(async (trx) => {
    const t = await trx("form_templates").where({ id }).forUpdate().first();
    if (!t) throw new CatalogueError("Không tìm thấy biểu mẫu / template not found");
    if (t.status === "retired") throw new CatalogueError("Biểu mẫu đã ngừng sử dụng / already retired");
    await trx("form_templates").where({ id }).update({ status: "retired", retired_at: trx.fn.now(), updated_at: trx.fn.now() });
    await writeAudit(trx, { actorUserId: actor.userId, actorUsername: actor.username, unitId: actor.unitId, ip: actor.ip, action: "forms.template_retired", targetType: "form_template", targetId: id, details: { code: t.code, version: t.version } });
  });
}
