import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "../auth/guards.server.ts";
import { completenessFor, formsOfPeriod } from "../periods/completeness.server.ts";
import { listPeriods } from "../periods/periods.server.ts";
import { StatusBadge } from "../components/forms/StatusBadge.tsx";
import { useTr } from "../components/forms/tr.ts";
import { useLang } from "../i18n/use-t.ts";
import { formatDate, formatNumber } from "../i18n/format.ts";

export const meta: MetaFunction = () => [{ title: "Tiến độ báo cáo · CSDL Dân tộc" }];

/** Who has submitted, been approved, returned, is overdue — per district and for the province, within the user's scope. */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireRole(args, ["approver", "admin", "viewer"]);
  const db = auth.services.db;
  const url = new URL(args.request.url);
  const periods = (await listPeriods(db)).filter((p) => p.status !== "draft");
  const periodId = Number(url.searchParams.get("period")) || periods[0]?.id;
  const forms = periodId ? await formsOfPeriod(db, periodId) : [];
  const wanted = url.searchParams.get("form") ?? "";
  const formCode = forms.find((f) => f.form_code === wanted)?.form_code ?? forms[0]?.form_code;
  const report = periodId && formCode ? await completenessFor(db, auth.scope, periodId, formCode) : null;
  return json({
    periods: periods.map((p) => ({ id: p.id, label: p.label_vi })),
    forms,
    periodId: periodId ?? null,
    formCode: formCode ?? null,
    report: report && { deadline: report.period.deadline, periodLabel: report.period.label_vi, overall: report.overall, groups: report.groups },
  });
}

export default function Completeness() {
  const d = useLoaderData<typeof loader>();
  const tr = useTr();
  const lang = useLang();
  const pct = (n: number) => `${formatNumber(n, lang, 1)}%`;
  return (
    <>
      <h1>{tr("Tiến độ báo cáo", "Reporting completeness")}</h1>
      <Form method="get" className="panel filters">
        <div>
          <label htmlFor="period">{tr("Kỳ báo cáo", "Period")}</label>
          <select id="period" name="period" defaultValue={d.periodId ?? ""}>
            {d.periods.map((p) => <option key={p.id} value={p.id}>{p.label}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="form">{tr("Biểu mẫu", "Form")}</label>
          <select id="form" name="form" defaultValue={d.formCode ?? ""}>
            {d.forms.map((f) => <option key={f.form_code} value={f.form_code}>{f.form_code} — {f.title_vi}</option>)}
          </select>
        </div>
        <div><button type="submit">{tr("Xem", "Show")}</button></div>
      </Form>
      {!d.report ? <p className="panel">{tr("Chưa có kỳ báo cáo nào đang mở hoặc đã đóng.", "No open or closed period yet.")}</p> : (
        <>
          <div className="panel">
            <p>{d.report.periodLabel} · {d.formCode} · {tr("Hạn nộp", "Deadline")} {formatDate(d.report.deadline, lang)}</p>
            <Totals t={d.report.overall} pct={pct} label={tr("Toàn bộ phạm vi", "Whole scope")} />
          </div>
          {d.report.groups.map((g) => (
            <details key={g.groupId} className="panel" open={d.report!.groups.length <= 2}>
              <summary><strong>{g.groupName}</strong> — {tr("đã gửi", "reported")} {pct(g.totals.pctReported)} · {tr("đúng hạn", "on time")} {pct(g.totals.pctOnTime)} · {tr("đã duyệt", "approved")} {pct(g.totals.pctApproved)} ({g.totals.approved}/{g.totals.expected})</summary>
              <table>
                <thead><tr><th>{tr("Đơn vị", "Unit")}</th><th>{tr("Trạng thái", "Status")}</th><th>{tr("Đúng hạn", "On time")}</th><th></th></tr></thead>
                <tbody>
                  {g.units.map((u) => (
                    <tr key={u.unitId} data-unit={u.unitName}>
                      <td>{u.unitName}</td>
                      <td><StatusBadge status={u.status} overdue={u.overdue} /></td>
                      <td>{u.firstSubmittedAt ? (u.onTime ? tr("Có", "Yes") : tr("Trễ", "Late")) : "—"}</td>
                      <td>{u.submissionId ? <Link to={`/submissions/${u.submissionId}`}>{tr("Xem", "View")}</Link> : null}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          ))}
        </>
      )}
    </>
  );
}

function Totals({ t, pct, label }: { t: { expected: number; notStarted: number; draft: number; submitted: number; returned: number; approved: number; overdue: number; pctOnTime: number; pctApproved: number; pctReported: number }; pct: (n: number) => string; label: string }) {
  const tr = useTr();
  return (
    <table className="totals">
      <thead>
        <tr><th>{label}</th><th className="num">{tr("Phải báo cáo", "Expected")}</th><th className="num">{tr("Chưa nhập", "Not started")}</th><th className="num">{tr("Đang nhập", "Draft")}</th><th className="num">{tr("Chờ duyệt", "Submitted")}</th><th className="num">{tr("Bị trả lại", "Returned")}</th><th className="num">{tr("Đã duyệt", "Approved")}</th><th className="num">{tr("Quá hạn", "Overdue")}</th><th className="num">{tr("% đúng hạn", "% on time")}</th><th className="num">{tr("% đã duyệt", "% approved")}</th></tr>
      </thead>
      <tbody>
        <tr data-testid="completeness-overall">
          <td></td><td className="num">{t.expected}</td><td className="num">{t.notStarted}</td><td className="num">{t.draft}</td><td className="num">{t.submitted}</td><td className="num">{t.returned}</td><td className="num" data-testid="approved-count">{t.approved}</td><td className="num">{t.overdue}</td><td className="num">{pct(t.pctOnTime)}</td><td className="num">{pct(t.pctApproved)}</td>
        </tr>
      </tbody>
    </table>
  );
}
