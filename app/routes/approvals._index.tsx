import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "../auth/guards.server.ts";
import { approvalQueue } from "../workflow/queue.server.ts";
import { SUBMISSION_STATUSES, type SubmissionStatus } from "../workflow/state.ts";
import { listPeriods } from "../periods/periods.server.ts";
import { StatusBadge } from "../components/forms/StatusBadge.tsx";
import { useTr } from "../components/forms/tr.ts";
import { useLang, useT } from "../i18n/use-t.ts";
import { formatDate, formatDateTime } from "../i18n/format.ts";

export const meta: MetaFunction = () => [{ title: "Phê duyệt · CSDL Dân tộc" }];

/** The approver's queue: submissions of the units this unit manages, by period, form, status, overdue. */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireRole(args, ["approver", "admin"]);
  const db = auth.services.db;
  const url = new URL(args.request.url);
  const periodId = Number(url.searchParams.get("period")) || undefined;
  const formCode = /^[A-Z0-9-]{2,30}$/.test(url.searchParams.get("form") ?? "") ? url.searchParams.get("form")! : undefined;
  const st = url.searchParams.get("status") ?? "submitted";
  const status = (SUBMISSION_STATUSES as readonly string[]).includes(st) || st === "all" ? (st as SubmissionStatus | "all") : "submitted";
  const overdue = url.searchParams.get("overdue") === "1";
  const isAdmin = auth.user.roles.includes("admin") && auth.user.tier === "province";
  const allUnits = isAdmin && url.searchParams.get("all") === "1";
  const [rows, periods, forms] = await Promise.all([
    approvalQueue(db, auth.scope, { periodId, formCode, status: overdue ? "all" : status, overdue, allUnits }),
    listPeriods(db),
    db("form_templates").where("status", "published").distinct("code").orderBy("code").pluck("code"),
  ]);
  return json({ rows, periods: periods.map((p) => ({ id: p.id, label: p.label_vi, status: p.status })), forms, f: { periodId: periodId ?? "", formCode: formCode ?? "", status, overdue, allUnits }, isAdmin });
}

export default function Approvals() {
  const d = useLoaderData<typeof loader>();
  const tr = useTr();
  const t = useT();
  const lang = useLang();
  return (
    <>
      <h1>{t("forms.approvals")}</h1>
      <Form method="get" className="panel filters">
        <div>
          <label htmlFor="period">{t("forms.period")}</label>
          <select id="period" name="period" defaultValue={String(d.f.periodId)}>
            <option value="">{t("forms.all")}</option>
            {d.periods.map((p) => <option key={p.id} value={p.id}>{p.label}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="form">{t("forms.form")}</label>
          <select id="form" name="form" defaultValue={d.f.formCode}>
            <option value="">{t("forms.all")}</option>
            {d.forms.map((f) => <option key={f} value={f}>{f}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="status">{t("forms.status")}</label>
          <select id="status" name="status" defaultValue={d.f.status}>
            <option value="submitted">{t("forms.awaitingReview")}</option>
            <option value="returned">{t("forms.returned2")}</option>
            <option value="approved">{t("forms.approved")}</option>
            <option value="draft">{t("forms.draft")}</option>
            <option value="all">{t("forms.all")}</option>
          </select>
        </div>
        <div>
          <label><input type="checkbox" name="overdue" value="1" defaultChecked={d.f.overdue} /> {t("forms.overdueOnly")}</label>
        </div>
        {d.isAdmin ? (
          <div>
            <label><input type="checkbox" name="all" value="1" defaultChecked={d.f.allUnits} /> {t("forms.allUnitsInScope")}</label>
          </div>
        ) : null}
        <div><button type="submit">{t("forms.filter")}</button></div>
      </Form>
      <p className="muted">{t("forms.nSubmissions", { n: d.rows.length })} · <Link to="/completeness">{t("forms.completeness")}</Link></p>
      <table className="queue">
        <thead>
          <tr>
            <th>{t("forms.unit")}</th>
            <th>{t("forms.period2")}</th>
            <th>{t("forms.form2")}</th>
            <th>{t("forms.status")}</th>
            <th>{t("forms.submitted")}</th>
            <th>{t("forms.deadline")}</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {d.rows.map((r) => (
            <tr key={r.id} data-submission={r.id}>
              <td>{r.unitName}{r.parentName ? <div className="muted small">{r.parentName}</div> : null}</td>
              <td>{r.periodLabel}</td>
              <td title={r.title_vi}>{r.formCode}</td>
              <td><StatusBadge status={r.status} overdue={r.overdue} /></td>
              <td>{r.submittedAt ? formatDateTime(r.submittedAt, lang) : "—"}</td>
              <td>{formatDate(r.deadline, lang)}</td>
              <td><Link to={`/submissions/${r.id}`}>{r.status === "submitted" ? t("forms.review") : t("forms.view")}</Link></td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
