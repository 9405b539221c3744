import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "../auth/guards.server.ts";
import { completenessFor, formsOfPeriod } from "../periods/completeness.server.ts";
import { listPeriods } from "../periods/periods.server.ts";
import { StatusBadge } from "../components/forms/StatusBadge.tsx";
import { useTr } from "../components/forms/tr.ts";
import { useLang, useT } from "../i18n/use-t.ts";
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
  const t = useT();
  const lang = useLang();
  const pct = (n: number) => `${formatNumber(n, lang, 1)}%`;
  return (
    <>
      <h1>{t("forms.reportingCompleteness")}</h1>
      <Form method="get" className="panel filters">
        <div>
          <label htmlFor="period">{t("forms.period")}</label>
          <select id="period" name="period" defaultValue={d.periodId ?? ""}>
            {d.periods.map((p) => <option key={p.id} value={p.id}>{p.label}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="form">{t("forms.form")}</label>
          <select id="form" name="form" defaultValue={d.formCode ?? ""}>
            {d.forms.map((f) => <option key={f.form_code} value={f.form_code}>{f.form_code} — {f.title_vi}</option>)}
          </select>
        </div>
        <div><button type="submit">{t("forms.show")}</button></div>
      </Form>
      {!d.report ? <p className="panel">{t("forms.noOpenOrClosedPeriodYet")}</p> : (
        <>
          <div className="panel">
            <p>{d.report.periodLabel} · {d.formCode} · {t("forms.deadline")} {formatDate(d.report.deadline, lang)}</p>
            <Totals totals={d.report.overall} pct={pct} label={t("forms.wholeScope")} />
          </div>
          {d.report.groups.map((g) => (
            <details key={g.groupId} className="panel" open={d.report!.groups.length <= 2}>
              <summary><strong>{g.groupName}</strong> — {t("forms.reported")} {pct(g.totals.pctReported)} · {t("forms.onTime")} {pct(g.totals.pctOnTime)} · {t("forms.approved2")} {pct(g.totals.pctApproved)} ({g.totals.approved}/{g.totals.expected})</summary>
              <table>
                <thead><tr><th>{t("forms.unit")}</th><th>{t("forms.status")}</th><th>{t("forms.onTime2")}</th><th></th></tr></thead>
                <tbody>
                  {g.units.map((u) => (
                    <tr key={u.unitId} data-unit={u.unitName}>
                      <td>{u.unitName}</td>
                      <td><StatusBadge status={u.status} overdue={u.overdue} /></td>
                      <td>{u.firstSubmittedAt ? (u.onTime ? t("forms.yes") : t("forms.late")) : "—"}</td>
                      <td>{u.submissionId ? <Link to={`/submissions/${u.submissionId}`}>{t("forms.view")}</Link> : null}</td>
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

function Totals({ totals: x, pct, label }: { totals: { expected: number; notStarted: number; draft: number; submitted: number; returned: number; approved: number; overdue: number; pctOnTime: number; pctApproved: number; pctReported: number }; pct: (n: number) => string; label: string }) {
  const tr = useTr();
  const t = useT();
  return (
    <table className="totals">
      <thead>
        <tr><th>{label}</th><th className="num">{t("forms.expected")}</th><th className="num">{t("forms.notStarted")}</th><th className="num">{t("forms.draft")}</th><th className="num">{t("forms.submitted2")}</th><th className="num">{t("forms.returned3")}</th><th className="num">{t("forms.approved")}</th><th className="num">{t("forms.overdue")}</th><th className="num">{t("forms.onTime3")}</th><th className="num">{t("forms.approved3")}</th></tr>
      </thead>
      <tbody>
        <tr data-testid="completeness-overall">
          <td></td><td className="num">{x.expected}</td><td className="num">{x.notStarted}</td><td className="num">{x.draft}</td><td className="num">{x.submitted}</td><td className="num">{x.returned}</td><td className="num" data-testid="approved-count">{x.approved}</td><td className="num">{x.overdue}</td><td className="num">{pct(x.pctOnTime)}</td><td className="num">{pct(x.pctApproved)}</td>
        </tr>
      </tbody>
    </table>
  );
}
