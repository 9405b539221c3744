import { renderPdf } from "./pdf.server.ts";
import { submissionPdfModel, type PrintInput } from "./submission-print.ts";
import { STATUS_LABELS } from "../workflow/state.ts";
import type { SubmissionView } from "../workflow/submission-view.server.ts";

const ict = (d: string | Date) =>
  new Intl.DateTimeFormat("vi-VN", { day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "Asia/Ho_Chi_Minh" }).format(new Date(d));
const label = (s: string | null) => (s ? STATUS_LABELS[s as keyof typeof STATUS_LABELS]?.vi ?? s : "—");

export function printInput(v: SubmissionView): PrintInput {
  return {
    definition: v.template.definition,
    title_vi: v.template.title_vi,
    formCode: v.template.code,
    templateVersion: v.template.version,
    unitName: v.unit.name,
    parentName: v.unit.parentName,
    periodLabel: v.period.label_vi,
    referenceDate: v.period.reference_date,
    deadline: v.period.deadline,
    statusLabel: label(v.submission.status),
    isDemo: v.submission.isDemo,
    indicators: v.indicators,
    ethnicityNames: v.ethnicityNames,
    groups: v.groups,
    values: v.values,
    transitions: v.transitions.map((t) => ({ at: ict(t.at), actor: t.actor_username ?? "", from: label(t.from_status), to: label(t.to_status), reason: t.reason ?? "" })),
  };
}

export async function submissionPdf(v: SubmissionView): Promise<Buffer> {
  return renderPdf(submissionPdfModel(printInput(v)));
}
