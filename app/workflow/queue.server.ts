import type { Db } from "../db/knex.server.ts";
import { isAdmin, type Scope } from "../scope/scope.ts";
import { whereUnitVisible } from "../scope/scope.server.ts";
import { todayIct } from "../periods/period.ts";
import type { SubmissionStatus } from "./state.ts";

/**
 * The approver's queue: submissions whose approving unit is the user's unit
 * (the admin may widen it to every unit in scope), filtered by period, form, status and
 * overdue (deadline passed and still not submitted for review).
 */
export interface QueueFilters {
  periodId?: number;
  formCode?: string;
  status?: SubmissionStatus | "all";
  overdue?: boolean;
  /** Admin only: every unit in scope, not just those this unit approves. */
  allUnits?: boolean;
}

export interface QueueRow {
  id: number;
  unitName: string;
  parentName: string | null;
  periodLabel: string;
  deadline: string;
  formCode: string;
  title_vi: string;
  status: SubmissionStatus;
  submittedAt: Date | null;
  firstSubmittedAt: Date | null;
  updatedAt: Date;
  overdue: boolean;
}

export async function approvalQueue(db: Db, scope: Scope, f: QueueFilters): Promise<QueueRow[]> {
  const today = todayIct();
  const q = db("submissions as s")
    .join("units as u", "u.id", "s.unit_id")
    .leftJoin("units as pu", "pu.id", "u.parent_id")
    .join("periods as p", "p.id", "s.period_id")
    .join("form_templates as t", "t.id", "s.template_id")
    .select(
      "s.id", "u.name as unitName", "pu.name as parentName", "p.label_vi as periodLabel", "p.deadline", "s.form_code as formCode", "t.title_vi",
      "s.status", "s.submitted_at as submittedAt", "s.first_submitted_at as firstSubmittedAt", "s.updated_at as updatedAt",
    )
    .orderBy([{ column: "p.deadline", order: "desc" }, { column: "s.submitted_at", order: "asc" }, { column: "u.name" }])
    .limit(1000);
  if (isAdmin(scope) && f.allUnits) whereUnitVisible(q, scope, "s.unit_id");
  else q.where("s.approver_unit_id", scope.unitId);
  if (f.periodId) q.where("s.period_id", f.periodId);
  if (f.formCode) q.where("s.form_code", f.formCode);
  if (f.status && f.status !== "all") q.where("s.status", f.status);
  if (f.overdue) q.where("p.deadline", "<", today).whereIn("s.status", ["draft", "returned"]);
  const rows = await q;
  return rows.map((r) => ({ ...r, overdue: r.deadline < today && (r.status === "draft" || r.status === "returned") }));
}
