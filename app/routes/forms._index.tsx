import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "../auth/guards.server.ts";
import { dueForms } from "../workflow/my-forms.server.ts";
import { openSubmission } from "../workflow/submissions.server.ts";
import { toResponse } from "../workflow/http.server.ts";
import { isOverdue } from "../periods/period.ts";
import { CsrfField } from "../components/csrf.tsx";
import { StatusBadge } from "../components/forms/StatusBadge.tsx";
import { useTr } from "../components/forms/tr.ts";
import { useLang, useT } from "../i18n/use-t.ts";
import { formatDate, formatDateTime } from "../i18n/format.ts";

export const meta: MetaFunction = () => [{ title: "Biểu mẫu của tôi · CSDL Dân tộc" }];

/** "Biểu mẫu của tôi": every form due from the user's unit in open periods. */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireRole(args, "submitter");
  const rows = await dueForms(auth.services.db, auth.scope);
  return json({ rows: rows.map((r) => ({ ...r, overdue: (r.status === "not_started" || r.status === "draft" || r.status === "returned") && isOverdue(r.deadline) })), unitName: auth.user.unitName });
}

/** Start entry: create the draft for (period, form) of the user's own unit, then open it. */
export async function action(args: ActionFunctionArgs) {
  const auth = await requireRole(args, "submitter");
  const form = await args.request.formData();
  const periodId = Number(form.get("periodId"));
  const formCode = String(form.get("formCode") ?? "");
  if (!Number.isInteger(periodId) || !/^[A-Z0-9-]{2,30}$/.test(formCode)) throw new Response("Bad Request", { status: 400 });
  try {
    const sub = await openSubmission(auth.services.db, { scope: auth.scope, user: auth.user, ip: (args.context as { clientIp?: string }).clientIp }, periodId, formCode);
    return redirect(`/submissions/${sub.id}/edit`);
  } catch (e) {
    return toResponse(e);
  }
}

export default function MyForms() {
  const d = useLoaderData<typeof loader>();
  const tr = useTr();
  const t = useT();
  const lang = useLang();
  return (
    <>
      <h1>{t("forms.myForms")}</h1>
      <p className="muted">{t("forms.dueIntro", { unit: d.unitName })}</p>
      {d.rows.length === 0 ? (
        <p className="panel">{t("forms.noFormsAreDue")}</p>
      ) : (
        <table className="my-forms">
          <thead>
            <tr>
              <th>{t("forms.period")}</th>
              <th>{t("forms.form")}</th>
              <th>{t("forms.referenceDate")}</th>
              <th>{t("forms.deadline")}</th>
              <th>{t("forms.status")}</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {d.rows.map((r) => (
              <tr key={`${r.periodId}-${r.formCode}`} data-form={r.formCode}>
                <td>{r.periodLabel}{r.periodIsDemo ? <><br /><span className="badge badge-demo">{t("common.demo")}</span></> : null}</td>
                <td><strong>{r.formCode}</strong><br />{tr(r.title_vi, r.title_en)}</td>
                <td>{formatDate(r.referenceDate, lang)}</td>
                <td>{formatDate(r.deadline, lang)}</td>
                <td>
                  <StatusBadge status={r.status} overdue={r.overdue} />
                  {r.status === "returned" && r.returnReason ? <div className="alert alert-error small">{t("forms.returned")}{r.returnReason}</div> : null}
                  {r.updatedAt ? <div className="muted small">{t("forms.updated")} {formatDateTime(r.updatedAt, lang)}</div> : null}
                </td>
                <td>
                  {r.submissionId === null ? (
                    r.periodStatus === "open" ? (
                      <Form method="post">
                        <CsrfField />
                        <input type="hidden" name="periodId" value={r.periodId} />
                        <input type="hidden" name="formCode" value={r.formCode} />
                        <button type="submit">{t("forms.startEntry")}</button>
                      </Form>
                    ) : null
                  ) : r.status === "draft" || r.status === "returned" ? (
                    r.periodStatus === "open" ? <Link className="button" to={`/submissions/${r.submissionId}/edit`}>{t("forms.enterData")}</Link> : <Link to={`/submissions/${r.submissionId}`}>{t("forms.viewPeriodClosed")}</Link>
                  ) : (
                    <Link to={`/submissions/${r.submissionId}`}>{t("forms.view")}</Link>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
