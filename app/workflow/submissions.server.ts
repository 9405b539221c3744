import type { Knex } from "knex";
import type { Db } from "../db/knex.server.ts";
import { writeAudit } from "../audit/audit.server.ts";
import { canReadUnit, canSeeUnit, ScopeError, type Scope } from "../scope/scope.ts";
import { cellKey, parseCellKey, withDerived } from "../forms/cells.ts";
import { validateEntry, type RawEntry } from "../forms/entry.ts";
import type { CellError } from "../forms/messages.ts";
import { entryContextFor, getTemplate, loadIndicatorMeta, type TemplateRecord } from "../forms/catalogue.server.ts";
import { templateRows, type TemplateDefinition } from "../forms/template.ts";
import { assignmentFor, getPeriod, type PeriodRecord } from "../periods/periods.server.ts";
import { decide, WorkflowError, type Refusal, type SubmissionStatus, type WorkflowAction } from "./state.ts";

/**
 * Submissions on the server: open (create the draft), load with scope check,
 * save typed values (optimistic version check, one audit entry per save
 * listing old → new per cell), submit, approve, return, reopen. Every
 * change runs in one transaction with the submission row locked; every
 * status change appends to submission_transitions.
 */
type Conn = Db | Knex.Transaction;

export interface Actor {
  scope: Scope;
  user: { id: number; username: string; unitId: number };
  ip?: string | null;
}

export interface SubmissionRow {
  id: number;
  period_id: number;
  form_code: string;
  template_id: number;
  unit_id: number;
  approver_unit_id: number | null;
  status: SubmissionStatus;
  version: number;
  submitted_at: Date | null;
  first_submitted_at: Date | null;
  approved_at: Date | null;
  return_reason: string | null;
  is_demo: boolean;
  updated_at: Date;
}

export class NotFoundError extends Error {
  override name = "NotFoundError";
}

/** The approving unit: the form's fixed unit code, else the submitting unit's parent. */
export async function approverUnitFor(db: Conn, def: TemplateDefinition, unitId: number): Promise<number | null> {
  if ("unit_code" in def.approval) {
    const u = await db("units").where({ code: def.approval.unit_code }).first("id");
    return u?.id ?? null;
  }
  const u = await db("units").where({ id: unitId }).first("parent_id");
  return u?.parent_id ?? null;
}

/** The user's own submission for (period, form): created as a draft on first open when the unit owes the form. */
export async function openSubmission(db: Db, actor: Actor, periodId: number, formCode: string): Promise<SubmissionRow> {
  const unitId = actor.scope.unitId; // never from the URL or the form
  const existing = await db("submissions").where({ period_id: periodId, form_code: formCode, unit_id: unitId }).first();
  if (existing) return existing;
  const templateId = await assignmentFor(db, periodId, formCode, unitId);
  if (!templateId) throw new NotFoundError("Đơn vị không phải báo cáo biểu này trong kỳ này / form not due from your unit");
  const period = await getPeriod(db, periodId);
  const template = await getTemplate(db, templateId);
  if (!period || !template) throw new NotFoundError("Không tìm thấy kỳ hoặc biểu mẫu");
  const d = decide("save", actor.scope, { status: "draft", unitId, approverUnitId: null, periodStatus: period.status, entryOpensOn: period.entry_opens_on });
  if (!d.ok) throw new WorkflowError(d);
  const approver = await approverUnitFor(db, template.definition, unitId);
  return db.transaction(async (trx) => {
    const [row] = await trx("submissions")
      .insert({ period_id: periodId, form_code: formCode, template_id: templateId, unit_id: unitId, approver_unit_id: approver, status: "draft", created_by: actor.user.id, updated_by: actor.user.id })
      .onConflict(["period_id", "form_code", "unit_id"]).ignore()
      .returning("*");
    if (!row) return trx("submissions").where({ period_id: periodId, form_code: formCode, unit_id: unitId }).first();
    await trx("submission_transitions").insert({ submission_id: row.id, from_status: null, to_status: "draft", actor_user_id: actor.user.id, actor_username: actor.user.username });
    return row;
  });
}

export interface LoadedSubmission {
  submission: SubmissionRow;
  template: TemplateRecord;
  period: PeriodRecord;
  unit: { id: number; name: string; code: string; tier: string; path: string; parent_name: string | null };
  approverUnit: { id: number; name: string } | null;
  values: Map<string, number | null>;
  transitions: { from_status: string | null; to_status: string; actor_username: string | null; reason: string | null; at: Date }[];
}

/** May this scope read this submission? Its unit in an unrestricted grant, the approving unit, or sector grants covering every domain of the form. */
export async function canReadSubmission(db: Conn, scope: Scope, unitPath: string, approverUnitId: number | null, def: TemplateDefinition): Promise<boolean> {
  if (canReadUnit(scope, unitPath)) return true;
  if (approverUnitId !== null && approverUnitId === scope.unitId) return true;
  if (!canSeeUnit(scope, unitPath)) return false;
  const meta = await loadIndicatorMeta(db);
  return templateRows(def).every((r) => canReadUnit(scope, unitPath, meta.get(r.indicator)?.domain));
}

export async function storedValues(db: Conn, submissionId: number): Promise<Map<string, number | null>> {
  const rows = await db("submission_values as v").join("indicators as i", "i.id", "v.indicator_id").where("v.submission_id", submissionId).select("i.code", "v.ethnicity_code", "v.sex", "v.value");
  return new Map(rows.map((r) => [cellKey({ indicator: r.code, ethnicity: r.ethnicity_code, sex: r.sex }), r.value === null ? null : Number(r.value)]));
}

export async function loadSubmission(db: Conn, scope: Scope, id: number): Promise<LoadedSubmission> {
  const submission: SubmissionRow | undefined = await db("submissions").where({ id }).first();
  if (!submission) throw new NotFoundError("Không tìm thấy biểu / submission not found");
  const unit = await db("units as u").leftJoin("units as p", "p.id", "u.parent_id").where("u.id", submission.unit_id).first("u.id", "u.name", "u.code", "u.tier", "u.path", "p.name as parent_name");
  const template = await getTemplate(db, submission.template_id);
  if (!unit || !template) throw new NotFoundError("Không tìm thấy biểu / submission not found");
  if (!(await canReadSubmission(db, scope, unit.path, submission.approver_unit_id, template.definition))) throw new ScopeError();
  const [period, approverUnit, values, transitions] = await Promise.all([
    getPeriod(db, submission.period_id),
    submission.approver_unit_id ? db("units").where({ id: submission.approver_unit_id }).first("id", "name") : null,
    storedValues(db, id),
    db("submission_transitions").where({ submission_id: id }).orderBy("id").select("from_status", "to_status", "actor_username", "reason", "at"),
  ]);
  return { submission, template, period: period!, unit, approverUnit: approverUnit ?? null, values, transitions };
}

export type SaveResult =
  | { ok: true; version: number; status: SubmissionStatus; changed: number }
  | { ok: false; kind: "invalid"; errors: CellError[] }
  | { ok: false; kind: "conflict"; vi: string; en: string; currentVersion: number }
  | { ok: false; kind: "refused"; refusal: Refusal };

export const CONFLICT_MESSAGE = {
  vi: "Biểu này vừa được người khác lưu sau khi bạn mở. Số liệu bạn nhập vẫn còn trên màn hình và CHƯA được lưu: hãy mở biểu trong tab mới để xem bản mới nhất, đối chiếu rồi nhập lại.",
  en: "Someone else saved this form after you opened it. Your values are still on screen and were NOT saved: open the form in a new tab to see the latest version, compare and re-enter.",
};

/**
 * Save typed values (mode "draft") or save and submit (mode "submit", every
 * rule checked over the whole form). The whole save is refused on any error.
 */
export async function saveEntry(db: Db, actor: Actor, id: number, input: { version: number; raw: RawEntry; mode: "draft" | "submit" }): Promise<SaveResult> {
  return db.transaction(async (trx) => {
    const sub: SubmissionRow | undefined = await trx("submissions").where({ id }).forUpdate().first();
    if (!sub) throw new NotFoundError("Không tìm thấy biểu / submission not found");
    const period = await trx("periods").where({ id: sub.period_id }).first("status", "entry_opens_on");
    const action: WorkflowAction = input.mode === "submit" ? "submit" : "save";
    const d = decide(action, actor.scope, { status: sub.status, unitId: sub.unit_id, approverUnitId: sub.approver_unit_id, periodStatus: period.status, entryOpensOn: period.entry_opens_on });
    if (!d.ok) return { ok: false, kind: "refused", refusal: d };
    if (sub.version !== input.version) return { ok: false, kind: "conflict", ...CONFLICT_MESSAGE, currentVersion: sub.version };
    const template = (await getTemplate(trx, sub.template_id))!;
    const ctx = await entryContextFor(trx, template.definition);
    const stored = await storedValues(trx, id);
    // cells the user types: stored entered cells, overridden by this request
    const merged: RawEntry = {};
    for (const [k, v] of stored) {
      const c = parseCellKey(k);
      if (c && (c.sex !== "T" || templateRows(template.definition).find((r) => r.indicator === c.indicator)?.breakdown !== "ethnicity_sex")) merged[k] = v;
    }
    for (const [k, v] of Object.entries(input.raw)) merged[k] = v;
    const checked = validateEntry(ctx, input.mode === "submit" ? merged : input.raw, input.mode);
    if (!checked.ok) return { ok: false, kind: "invalid", errors: checked.errors };
    const full = input.mode === "submit" ? checked.values : withDerived(template.definition, validateEntry(ctx, merged, "draft").values);
    const changes: { cell: string; old: number | null; new: number | null }[] = [];
    for (const [k, v] of full) {
      const old = stored.has(k) ? stored.get(k)! : null;
      if (old !== v && !(old === null && v === null && stored.has(k)) && !(v === null && !stored.has(k))) changes.push({ cell: k, old, new: v });
    }
    if (changes.length) {
      const ids = new Map<string, number>((await trx("indicators").whereIn("code", [...new Set(changes.map((c) => parseCellKey(c.cell)!.indicator))]).select("id", "code")).map((r) => [r.code, r.id]));
      const rows = changes.map((c) => {
        const ref = parseCellKey(c.cell)!;
        return { submission_id: id, indicator_id: ids.get(ref.indicator)!, ethnicity_code: ref.ethnicity, sex: ref.sex, value: c.new, updated_at: trx.fn.now(), updated_by: actor.user.id };
      });
      for (let i = 0; i < rows.length; i += 500)
        await trx("submission_values").insert(rows.slice(i, i + 500)).onConflict(["submission_id", "indicator_id", "ethnicity_code", "sex"]).merge(["value", "updated_at", "updated_by"]);
      await writeAudit(trx, { actorUserId: actor.user.id, actorUsername: actor.user.username, unitId: sub.unit_id, ip: actor.ip, action: "forms.values_changed", targetType: "submission", targetId: id, details: { formCode: sub.form_code, periodId: sub.period_id, count: changes.length, changes } });
    }
    const to = d.to;
    const now = trx.fn.now();
    const patch: Record<string, unknown> = { version: sub.version + 1, updated_by: actor.user.id, updated_at: now, status: to };
    if (input.mode === "submit") {
      patch.submitted_at = now;
      if (!sub.first_submitted_at) patch.first_submitted_at = now;
      await trx("submission_transitions").insert({ submission_id: id, from_status: sub.status, to_status: to, actor_user_id: actor.user.id, actor_username: actor.user.username });
      await writeAudit(trx, { actorUserId: actor.user.id, actorUsername: actor.user.username, unitId: sub.unit_id, ip: actor.ip, action: "forms.submit", targetType: "submission", targetId: id, details: { from: sub.status, to } });
    }
    await trx("submissions").where({ id }).update(patch);
    return { ok: true, version: sub.version + 1, status: to, changed: changes.length };
  });
}

/** Approve, return (reason) or reopen (admin, reason). */
export async function transition(db: Db, actor: Actor, id: number, action: "approve" | "return" | "reopen", reason?: string | null): Promise<{ ok: true; status: SubmissionStatus } | { ok: false; refusal: Refusal }> {
  return db.transaction(async (trx) => {
    const sub: SubmissionRow | undefined = await trx("submissions").where({ id }).forUpdate().first();
    if (!sub) throw new NotFoundError("Không tìm thấy biểu / submission not found");
    const period = await trx("periods").where({ id: sub.period_id }).first("status");
    const d = decide(action, actor.scope, { status: sub.status, unitId: sub.unit_id, approverUnitId: sub.approver_unit_id, periodStatus: period.status }, reason);
    if (!d.ok) return { ok: false, refusal: d };
    const why = reason?.trim() ? reason.trim().slice(0, 2000) : null;
    const patch: Record<string, unknown> = { status: d.to, version: sub.version + 1, updated_at: trx.fn.now(), updated_by: actor.user.id };
    if (action === "approve") Object.assign(patch, { approved_at: trx.fn.now(), approved_by: actor.user.id, return_reason: null });
    else Object.assign(patch, { return_reason: why, approved_at: null, approved_by: null });
    await trx("submissions").where({ id }).update(patch);
    await trx("submission_transitions").insert({ submission_id: id, from_status: sub.status, to_status: d.to, actor_user_id: actor.user.id, actor_username: actor.user.username, reason: why });
    await writeAudit(trx, { actorUserId: actor.user.id, actorUsername: actor.user.username, unitId: sub.unit_id, ip: actor.ip, action: `forms.${action}`, targetType: "submission", targetId: id, details: { from: sub.status, to: d.to, reason: why } });
    return { ok: true, status: d.to };
  });
}

/** The unit's latest approved submission of the same form in an earlier period (for the approver's diff). */
export async function previousValues(db: Conn, sub: Pick<SubmissionRow, "id" | "unit_id" | "form_code" | "period_id">): Promise<{ periodLabel: string; values: Map<string, number | null> } | null> {
  const prev = await db("submissions as s")
    .join("periods as p", "p.id", "s.period_id")
    .join("periods as cur", "cur.id", db.raw("?", [sub.period_id]))
    .where("s.unit_id", sub.unit_id)
    .where("s.form_code", sub.form_code)
    .where("s.status", "approved")
    .whereNot("s.id", sub.id)
    .where("p.reference_date", "<", db.ref("cur.reference_date"))
    .orderBy("p.reference_date", "desc")
    .first("s.id", "p.label_vi");
  if (!prev) return null;
  return { periodLabel: prev.label_vi, values: await storedValues(db, prev.id) };
}

/** Ethnic groups present in a unit: non-zero values in any of its submissions (most recent data first). */
export async function groupsPresentInUnit(db: Conn, unitId: number): Promise<string[]> {
  const rows = await db("submission_values as v")
    .join("submissions as s", "s.id", "v.submission_id")
    .join("ethnicities as e", "e.code", "v.ethnicity_code")
    .where("s.unit_id", unitId)
    .whereNot("v.ethnicity_code", "00")
    .whereNot("v.value", 0)
    .whereNotNull("v.value")
    .groupBy("v.ethnicity_code", "e.sort_order")
    .orderBy("e.sort_order")
    .select("v.ethnicity_code");
  return rows.map((r) => r.ethnicity_code);
}
