import { canApproveAt, canSubmitFor, isAdmin, type Scope } from "../scope/scope.ts";
import { todayIct } from "../periods/period.ts";

/**
 * The submission workflow as a pure decision: may this user do this to this
 * submission now, and what status follows? The server asks it inside the
 * transaction that changes the row; the UI asks it to show the right buttons.
 *
 *   draft ──submit──▶ submitted ──approve──▶ approved
 *     ▲                  │                      │
 *     └─save   returned ◀┘return (reason)       │ reopen (admin, reason)
 *              │  ▲──────────────────────────────┘
 *              └──submit──▶ submitted …
 */
export const SUBMISSION_STATUSES = ["draft", "submitted", "returned", "approved"] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];
export type PeriodStatus = "draft" | "open" | "closed" | "locked";
export type WorkflowAction = "save" | "submit" | "approve" | "return" | "reopen";

export interface WorkflowSubject {
  status: SubmissionStatus;
  unitId: number;
  approverUnitId: number | null;
  periodStatus: PeriodStatus;
  /** First day of the entry window (YYYY-MM-DD, ICT), if the period has one. */
  entryOpensOn?: string | null;
  /** Today (YYYY-MM-DD, ICT); defaults to now. */
  today?: string;
}

export type Refusal = { ok: false; code: string; vi: string; en: string; httpStatus: 403 | 409 | 422 };
export type Decision = { ok: true; to: SubmissionStatus } | Refusal;

const refuse = (code: string, vi: string, en: string, httpStatus: Refusal["httpStatus"] = 403): Refusal => ({ ok: false, code, vi, en, httpStatus });

export const MIN_REASON_LENGTH = 5;

export function decide(action: WorkflowAction, scope: Scope, s: WorkflowSubject, reason?: string | null): Decision {
  const needsReason = action === "return" || action === "reopen";
  switch (action) {
    case "save":
    case "submit": {
      if (!canSubmitFor(scope, s.unitId)) return refuse("not_submitter", "Chỉ cán bộ nhập liệu của chính đơn vị mới được nhập và gửi biểu này", "Only the unit's own submitter may enter and submit this form");
      if (s.status === "approved") return refuse("approved_locked", "Biểu đã được phê duyệt và khóa: không thể sửa. Liên hệ quản trị viên nếu cần mở lại", "The form is approved and locked; ask the administrator to reopen it", 409);
      if (s.status === "submitted") return refuse("awaiting_review", "Biểu đã gửi và đang chờ duyệt: không thể sửa", "The form was submitted and awaits review; it cannot be edited", 409);
      if (s.periodStatus !== "open") return refuse("period_not_open", "Kỳ báo cáo không mở: không thể nhập hoặc gửi số liệu", "The reporting period is not open for entry", 409);
      if (s.entryOpensOn && (s.today ?? todayIct()) < s.entryOpensOn)
        return refuse("entry_not_yet_open", `Chưa đến thời gian nhập liệu (mở từ ngày ${s.entryOpensOn.split("-").reverse().join("/")})`, `Entry opens on ${s.entryOpensOn}`, 409);
      return { ok: true, to: action === "save" ? s.status : "submitted" };
    }
    case "approve":
    case "return": {
      if (!canApproveAt(scope, s.approverUnitId)) return refuse("not_approver", "Chỉ cán bộ phê duyệt của đơn vị quản lý trực tiếp mới được duyệt hoặc trả lại biểu này", "Only the managing unit's approver may approve or return this form");
      if (s.status !== "submitted") return refuse("not_submitted", "Biểu không ở trạng thái chờ duyệt", "The form is not awaiting review", 409);
      if (s.periodStatus === "locked" || s.periodStatus === "draft") return refuse("period_locked", "Kỳ báo cáo đã khóa sổ", "The reporting period is locked", 409);
      if (needsReason && (reason ?? "").trim().length < MIN_REASON_LENGTH)
        return refuse("reason_required", `Phải ghi lý do trả lại (ít nhất ${MIN_REASON_LENGTH} ký tự)`, `A reason for returning is required (at least ${MIN_REASON_LENGTH} characters)`, 422);
      return { ok: true, to: action === "approve" ? "approved" : "returned" };
    }
    case "reopen": {
      if (!isAdmin(scope)) return refuse("not_admin", "Chỉ quản trị viên mới được mở lại biểu đã phê duyệt", "Only the administrator may reopen an approved form");
      if (s.status !== "approved") return refuse("not_approved", "Chỉ mở lại được biểu đã phê duyệt", "Only approved forms can be reopened", 409);
      if (s.periodStatus === "locked") return refuse("period_locked", "Kỳ báo cáo đã khóa sổ: mở lại kỳ trước", "The period is locked; reopen the period first", 409);
      if ((reason ?? "").trim().length < MIN_REASON_LENGTH)
        return refuse("reason_required", `Phải ghi lý do mở lại (ít nhất ${MIN_REASON_LENGTH} ký tự)`, `A reason for reopening is required (at least ${MIN_REASON_LENGTH} characters)`, 422);
      return { ok: true, to: "returned" };
    }
  }
}

/** The actions this user can take on this submission now (for buttons). */
export function allowedActions(scope: Scope, s: WorkflowSubject): WorkflowAction[] {
  const all: WorkflowAction[] = ["save", "submit", "approve", "return", "reopen"];
  return all.filter((a) => decide(a, scope, s, "x".repeat(MIN_REASON_LENGTH)).ok);
}

export const STATUS_LABELS: Record<SubmissionStatus | "not_started", { vi: string; en: string }> = {
  not_started: { vi: "Chưa nhập", en: "Not started" },
  draft: { vi: "Đang nhập (nháp)", en: "Draft" },
  submitted: { vi: "Đã gửi, chờ duyệt", en: "Submitted" },
  returned: { vi: "Bị trả lại", en: "Returned" },
  approved: { vi: "Đã phê duyệt", en: "Approved" },
};

export class WorkflowError extends Error {
  override name = "WorkflowError";
  constructor(public refusal: Refusal) {
    super(refusal.vi);
  }
}
