import { STATUS_LABELS } from "../../workflow/state.ts";
import { useLang } from "../../i18n/use-t.ts";

const tone: Record<string, string> = { approved: "badge-ok", submitted: "", returned: "badge-bad", draft: "badge-warn", not_started: "badge-warn" };

export function StatusBadge({ status, overdue }: { status: string; overdue?: boolean }) {
  const lang = useLang();
  const l = STATUS_LABELS[status as keyof typeof STATUS_LABELS] ?? { vi: status, en: status };
  return (
    <>
      <span className={`badge ${tone[status] ?? ""}`} data-status={status}>{lang === "en" ? l.en : l.vi}</span>
      {overdue ? <> <span className="badge badge-bad">{lang === "en" ? "Overdue" : "Quá hạn"}</span></> : null}
    </>
  );
}
