import type { Db } from "../db/knex.server.ts";
import type { Scope } from "../scope/scope.ts";
import type { SubmissionStatus } from "./state.ts";

/**
 * "Biểu mẫu của tôi": every form due from the user's own unit in open
 * periods (and, so that nothing is forgotten, returned or draft forms in
 * periods that have since closed), with status and deadline.
 */
export interface DueForm {
  periodId: number;
  periodLabel: string;
  periodIsDemo: boolean;
  periodStatus: string;
  referenceDate: string;
  deadline: string;
  formCode: string;
  title_vi: string;
  title_en: string;
  submissionId: number | null;
  status: SubmissionStatus | "not_started";
  returnReason: string | null;
  updatedAt: Date | null;
}

export async function dueForms(db: Db, scope: Scope): Promise<DueForm[]> {
  const unitId = scope.unitId;
  const rows = await db("periods as p")
    .join("period_forms as pf", "pf.period_id", "p.id")
    .join("units as u", "u.id", db.raw("?", [unitId]))
    .join("form_templates as t", "t.id", "pf.template_id")
    .leftJoin("submissions as s", (j) => j.on("s.period_id", "p.id").andOn("s.form_code", "pf.form_code").andOn("s.unit_id", "u.id"))
    .where((q) => q.whereRaw("pf.tier = u.tier").orWhereRaw("pf.unit_id = u.id"))
    .where("u.valid_from", "<=", db.ref("p.reference_date"))
    .where((q) => q.whereNull("u.valid_to").orWhere("u.valid_to", ">", db.ref("p.reference_date")))
    .where((q) => q.where("p.status", "open").orWhere((q2) => q2.whereIn("p.status", ["closed"]).whereIn("s.status", ["returned", "draft"])))
    .distinctOn("p.id", "pf.form_code")
    .select(
      "p.id as periodId", "p.label_vi as periodLabel", "p.is_demo as periodIsDemo", "p.status as periodStatus", "p.reference_date as referenceDate", "p.deadline",
      "pf.form_code as formCode", "t.title_vi", "t.title_en", "s.id as submissionId", "s.status", "s.return_reason as returnReason", "s.updated_at as updatedAt",
    )
    .orderBy([{ column: "p.id" }, { column: "pf.form_code" }]);
  return rows
    .map((r) => ({ ...r, status: r.status ?? "not_started" }))
    .sort((a, b) => (a.deadline === b.deadline ? a.formCode.localeCompare(b.formCode) : a.deadline.localeCompare(b.deadline)));
}
