import type { Db } from "../db/knex.server.ts";
import { loadSubmission, saveEntry, type Actor } from "../workflow/submissions.server.ts";
import { loadEthnicities, loadIndicatorMeta } from "./catalogue.server.ts";
import { buildWorkbook, readWorkbook } from "./xlsx.server.ts";
import { csvToValues, valuesToCsv } from "./csv-values.ts";
import { locateErrors, type BulkError } from "./bulk.ts";
import type { Scope } from "../scope/scope.ts";

/**
 * Bulk download and upload of one submission. An upload is checked as a
 * whole and applied entirely (as one draft save: version check, value audit)
 * or refused entirely with every (sheet, cell, message).
 */
async function layoutInput(db: Db, scope: Scope, submissionId: number) {
  const loaded = await loadSubmission(db, scope, submissionId);
  const [indicators, ethnicities] = await Promise.all([loadIndicatorMeta(db), loadEthnicities(db)]);
  return { loaded, indicators, ethnicities: ethnicities.filter((e) => e.code !== "00"), definition: loaded.template.definition };
}

export async function downloadXlsx(db: Db, scope: Scope, submissionId: number): Promise<{ filename: string; body: Buffer }> {
  const { loaded, ...input } = await layoutInput(db, scope, submissionId);
  const s = loaded.submission;
  const body = await buildWorkbook({
    ...input,
    values: loaded.values,
    meta: { submissionId: s.id, formCode: s.form_code, templateId: s.template_id, version: s.version, unitName: loaded.unit.name, periodLabel: loaded.period.label_vi, referenceDate: loaded.period.reference_date, title_vi: loaded.template.title_vi },
  });
  return { filename: `${s.form_code}_${loaded.period.code}_${loaded.unit.code}.xlsx`, body };
}

export async function downloadCsv(db: Db, scope: Scope, submissionId: number): Promise<{ filename: string; body: string }> {
  const { loaded, ...input } = await layoutInput(db, scope, submissionId);
  return { filename: `${loaded.submission.form_code}_${loaded.period.code}_${loaded.unit.code}.csv`, body: valuesToCsv({ ...input, values: loaded.values }) };
}

export type BulkResult = { ok: true; changed: number; version: number } | { ok: false; errors: BulkError[]; conflict?: boolean };

export async function uploadBulk(db: Db, actor: Actor, submissionId: number, file: { kind: "xlsx" | "csv"; data: Buffer; expectedVersion: number }): Promise<BulkResult> {
  const { loaded, ...input } = await layoutInput(db, actor.scope, submissionId);
  const s = loaded.submission;
  const read = file.kind === "xlsx"
    ? await readWorkbook(file.data, { ...input, submissionId: s.id, formCode: s.form_code, templateId: s.template_id })
    : csvToValues(file.data.toString("utf8"), input);
  if (!read.ok) return read;
  const fileVersion = "version" in read ? (read.version as number | null) : null;
  const version = fileVersion ?? file.expectedVersion;
  const saved = await saveEntry(db, actor, submissionId, { version, raw: read.raw, mode: "draft" });
  if (saved.ok) return { ok: true, changed: saved.changed, version: saved.version };
  if (saved.kind === "invalid") return { ok: false, errors: locateErrors(saved.errors, read.where) };
  if (saved.kind === "conflict")
    return { ok: false, conflict: true, errors: [{ sheet: "", cell: "", vi: file.kind === "xlsx" ? "Biểu đã được lưu sau khi tải tệp Excel này về: không áp dụng để tránh ghi đè. Hãy tải lại mẫu Excel mới nhất, chép số liệu sang rồi tải lên." : saved.vi, en: saved.en }] };
  return { ok: false, errors: [{ sheet: "", cell: "", vi: saved.refusal.vi, en: saved.refusal.en }] };
}
