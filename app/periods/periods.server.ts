import type { Knex } from "knex";
import type { Db } from "../db/knex.server.ts";
import { writeAudit } from "../audit/audit.server.ts";
import { derivePeriod, nextPeriodStatus, periodInputSchema, type PeriodCommand, type PeriodStatusValue } from "./period.ts";
import { publishedTemplate, type Actor } from "../forms/catalogue.server.ts";

/**
 * Reporting periods in Postgres: create, assign forms to tiers or chosen
 * units, move through open/closed/locked (the admin reopens), and answer
 * "which units owe which form in this period".
 */
type Conn = Db | Knex.Transaction;

export class PeriodError extends Error {
  override name = "PeriodError";
  constructor(message: string, public fieldErrors: Record<string, string> = {}) {
    super(message);
  }
}

export interface PeriodRecord {
  id: number;
  code: string;
  type: string;
  status: PeriodStatusValue;
  label_vi: string;
  label_en: string;
  reference_date: string;
  entry_opens_on: string | null;
  deadline: string;
  start_date: string;
  end_date: string;
  is_demo: boolean;
}

const PERIOD_COLUMNS = ["id", "code", "type", "status", "label_vi", "label_en", "reference_date", "entry_opens_on", "deadline", "start_date", "end_date", "is_demo"];

export async function listPeriods(db: Conn): Promise<PeriodRecord[]> {
  return db("periods").select(PERIOD_COLUMNS).orderBy([{ column: "reference_date", order: "desc" }, { column: "id", order: "desc" }]);
}

export async function getPeriod(db: Conn, id: number): Promise<PeriodRecord | null> {
  return (await db("periods").where({ id }).first(PERIOD_COLUMNS)) ?? null;
}

export async function createPeriod(db: Db, actor: Actor, input: unknown): Promise<PeriodRecord> {
  const parsed = periodInputSchema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const i of parsed.error.issues) fieldErrors[String(i.path[0] ?? "")] ??= i.message;
    throw new PeriodError("Thông tin kỳ báo cáo chưa hợp lệ / invalid period", fieldErrors);
  }
  const row = derivePeriod(parsed.data);
  return db.transaction(async (trx) => {
    if (await trx("periods").where({ code: row.code }).first("id")) throw new PeriodError(`Kỳ ${row.code} đã tồn tại / period exists`, { number: `Kỳ ${row.code} đã tồn tại` });
    const [p] = await trx("periods").insert({ ...row, status: "draft" }).returning(PERIOD_COLUMNS);
    await writeAudit(trx, { actorUserId: actor.userId, actorUsername: actor.username, unitId: actor.unitId, ip: actor.ip, action: "periods.created", targetType: "period", targetId: p.id, details: { code: p.code } });
    return p;
  });
}

export type AssignTarget = { tier: "commune" | "district" | "department" } | { unitIds: number[] };

/** Ask for a form in a period from a tier or chosen units, on the form's published version (pinned for the period). */
export async function assignForm(db: Db, actor: Actor, periodId: number, formCode: string, target: AssignTarget): Promise<number> {
  return db.transaction(async (trx) => {
    const period = await trx("periods").where({ id: periodId }).forUpdate().first("id", "status");
    if (!period) throw new PeriodError("Không tìm thấy kỳ báo cáo / period not found");
    if (period.status === "locked") throw new PeriodError("Kỳ đã khóa sổ / period locked");
    const pinned = await trx("period_forms").where({ period_id: periodId, form_code: formCode }).first("template_id");
    const templateId = pinned?.template_id ?? (await publishedTemplate(trx, formCode))?.id;
    if (!templateId) throw new PeriodError(`Biểu ${formCode} chưa có phiên bản được công bố / no published version`);
    let added = 0;
    if ("tier" in target) {
      const r = await trx("period_forms").insert({ period_id: periodId, form_code: formCode, template_id: templateId, tier: target.tier }).onConflict(trx.raw("(period_id, form_code, tier) where tier is not null")).ignore().returning("id");
      added = r.length;
    } else {
      const ids = [...new Set(target.unitIds)];
      const found = await trx("units").whereIn("id", ids).pluck("id");
      if (found.length !== ids.length || ids.length === 0) throw new PeriodError("Đơn vị không hợp lệ / unknown unit");
      for (const unitId of ids) {
        const r = await trx("period_forms").insert({ period_id: periodId, form_code: formCode, template_id: templateId, unit_id: unitId }).onConflict(trx.raw("(period_id, form_code, unit_id) where unit_id is not null")).ignore().returning("id");
        added += r.length;
      }
    }
    await writeAudit(trx, { actorUserId: actor.userId, actorUsername: actor.username, unitId: actor.unitId, ip: actor.ip, action: "periods.form_assigned", targetType: "period", targetId: periodId, details: { formCode, templateId, target } });
    return added;
  });
}

export async function setPeriodStatus(db: Db, actor: Actor, periodId: number, cmd: PeriodCommand, reason?: string): Promise<PeriodStatusValue> {
  return db.transaction(async (trx) => {
    const p = await trx("periods").where({ id: periodId }).forUpdate().first("id", "status", "code");
    if (!p) throw new PeriodError("Không tìm thấy kỳ báo cáo / period not found");
    const to = nextPeriodStatus(p.status, cmd);
    if (!to) throw new PeriodError(`Không thể "${cmd}" kỳ đang ở trạng thái ${p.status} / not allowed from ${p.status}`);
    if (cmd === "reopen" && (reason ?? "").trim().length < 5) throw new PeriodError("Phải ghi lý do mở lại kỳ (ít nhất 5 ký tự) / a reason is required");
    if (cmd === "open" && !(await trx("period_forms").where({ period_id: periodId }).first("id"))) throw new PeriodError("Chưa giao biểu mẫu nào cho kỳ này / assign at least one form first");
    await trx("periods").where({ id: periodId }).update({ status: to, updated_at: trx.fn.now() });
    await writeAudit(trx, { actorUserId: actor.userId, actorUsername: actor.username, unitId: actor.unitId, ip: actor.ip, action: `periods.${cmd}`, targetType: "period", targetId: periodId, details: { code: p.code, from: p.status, to, reason: reason ?? null } });
    return to;
  });
}

export interface Assignment {
  id: number;
  form_code: string;
  template_id: number;
  tier: string | null;
  unit_id: number | null;
  unit_name: string | null;
  title_vi: string;
  version: number;
}

export async function listAssignments(db: Conn, periodId: number): Promise<Assignment[]> {
  return db("period_forms as pf")
    .join("form_templates as t", "t.id", "pf.template_id")
    .leftJoin("units as u", "u.id", "pf.unit_id")
    .where("pf.period_id", periodId)
    .select("pf.id", "pf.form_code", "pf.template_id", "pf.tier", "pf.unit_id", "u.name as unit_name", "t.title_vi", "t.version")
    .orderBy(["pf.form_code", "pf.id"]);
}

/** Units expected to send `formCode` in `periodId`: units of an assigned tier valid at the reference date, plus chosen units. */
export function expectedUnitsQuery(db: Conn, periodId: number, formCode: string) {
  return db("units as eu")
    .join("periods as ep", "ep.id", db.raw("?", [periodId]))
    .where("eu.valid_from", "<=", db.ref("ep.reference_date"))
    .where((q) => q.whereNull("eu.valid_to").orWhere("eu.valid_to", ">", db.ref("ep.reference_date")))
    .whereExists(
      db("period_forms as epf")
        .where("epf.period_id", periodId)
        .where("epf.form_code", formCode)
        .where((q) => q.whereRaw("epf.tier = eu.tier").orWhereRaw("epf.unit_id = eu.id"))
        .select(db.raw("1")),
    );
}

/** Is this unit asked for this form in this period? Returns the pinned template id. */
export async function assignmentFor(db: Conn, periodId: number, formCode: string, unitId: number): Promise<number | null> {
  const unit = await db("units").where({ id: unitId }).first("tier");
  if (!unit) return null;
  const hit = await expectedUnitsQuery(db, periodId, formCode).where("eu.id", unitId).first("eu.id");
  if (!hit) return null;
  const pf = await db("period_forms").where({ period_id: periodId, form_code: formCode }).first("template_id");
  return pf?.template_id ?? null;
}
