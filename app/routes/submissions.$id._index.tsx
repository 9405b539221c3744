import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireUser } from "../auth/guards.server.ts";
import { assertAdminMfa } from "../security/mfa-guard.server.ts";
import { submissionView } from "../workflow/submission-view.server.ts";
import { transition } from "../workflow/submissions.server.ts";
import { idParam, toResponse } from "../workflow/http.server.ts";
import { MIN_REASON_LENGTH } from "../workflow/state.ts";
import type { AppLoadContext } from "../platform/services.ts";
import { CsrfField } from "../components/csrf.tsx";
import { EntryGrid } from "../components/forms/EntryGrid.tsx";
import { StatusBadge } from "../components/forms/StatusBadge.tsx";
import { TransitionList } from "../components/forms/TransitionList.tsx";
import { useForgetEntry } from "../components/forms/useEntryEnhancements.ts";
import { useTr } from "../components/forms/tr.ts";
import { useLang, useT } from "../i18n/use-t.ts";
import { formatDate, formatDateTime } from "../i18n/format.ts";

export const meta: MetaFunction = () => [{ title: "Biểu báo cáo · CSDL Dân tộc" }];

/** One submission, read-only: values (with the diff for its approver), history, and the actions this user may take. */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireUser(args);
  const id = idParam(args.params.id);
  const reviewer = auth.user.roles.includes("approver") || auth.user.roles.includes("admin");
  const view = await submissionView(auth.services.db, auth.scope, id, { withDiff: reviewer }).catch(toResponse);
  return json(view);
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireUser(args);
  const id = idParam(args.params.id);
  const form = await args.request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent !== "approve" && intent !== "return" && intent !== "reopen") throw new Response("Bad Request", { status: 400 });
  // reopening is an admin action: the admin's enrolled, verified second factor (others are refused by the state machine)
  if (intent === "reopen" && auth.user.roles.includes("admin")) assertAdminMfa(auth, args.request);
  const reason = String(form.get("reason") ?? "").slice(0, 2000);
  const actor = { scope: auth.scope, user: auth.user, ip: (args.context as unknown as AppLoadContext).clientIp };
  const r = await transition(auth.services.db, actor, id, intent, reason).catch(toResponse);
  const en = (args.request.headers.get("cookie") ?? "").includes("lang=en");
  if (!r.ok) return json({ intent, reason, error: en ? r.refusal.en : r.refusal.vi }, r.refusal.httpStatus);
  return redirect(`/submissions/${id}?done=${intent}`);
}

export default function SubmissionPage() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const tr = useTr();
  const t = useT();
  const lang = useLang();
  const [params] = useSearchParams();
  const done = params.get("done");
  const canReview = d.actions.includes("approve") || d.actions.includes("return");
  useForgetEntry(d.submission.id, params.has("submitted"));
  return (
    <>
      <p className="no-print">
        {d.actions.includes("approve") || d.actions.includes("return") || done === "approve" || done === "return" ? <Link to="/approvals">← {t("forms.backToQueue")}</Link> : <Link to="/forms">← {t("forms.myForms")}</Link>}
      </p>
      <h1>{tr(d.template.title_vi, d.template.title_en)}</h1>
      <div className="panel">
        <p>
          <strong>{d.unit.name}</strong>{d.unit.parentName ? ` (${d.unit.parentName})` : ""} · {t("forms.period2")}: {tr(d.period.label_vi, d.period.label_en)} · {t("forms.referenceDate")} {formatDate(d.period.reference_date, lang)} · {t("forms.deadline")} {formatDate(d.period.deadline, lang)}
        </p>
        <p>
          {t("forms.status")}: <StatusBadge status={d.submission.status} /> {d.submission.isDemo ? <span className="badge badge-demo">{t("forms.demoData")}</span> : null}
          {d.approverUnit ? <span className="muted"> · {t("forms.approvingUnit")}: {d.approverUnit}</span> : null}
          <span className="muted"> · {d.template.code} v{d.template.version}</span>
        </p>
        {params.has("submitted") ? <p className="alert alert-ok" role="status">{t("forms.submittedForApproval")}</p> : null}
        {done === "approve" ? <p className="alert alert-ok" role="status">{t("forms.approved4")}</p> : null}
        {done === "return" ? <p className="alert alert-ok" role="status">{t("forms.returnedToTheUnit")}</p> : null}
        {done === "reopen" ? <p className="alert alert-ok" role="status">{t("forms.reopened")}</p> : null}
        {d.submission.status === "returned" && d.submission.returnReason ? (
          <p className="alert alert-error" data-testid="return-reason"><strong>{t("forms.reasonForReturn")}</strong> {d.submission.returnReason}</p>
        ) : null}
        {a && "error" in a ? <p className="alert alert-error" role="alert">{a.error}</p> : null}
        <div className="actions no-print">
          {d.actions.includes("save") ? <Link className="button" to={`/submissions/${d.submission.id}/edit`}>{t("forms.enterEdit")}</Link> : null}
          <Link className="button secondary" to={`/submissions/${d.submission.id}/print`}>{t("forms.printView")}</Link>
          <a className="button secondary" href={`/submissions/${d.submission.id}/pdf`}>{t("forms.downloadPdf")}</a>
          <a className="button secondary" href={`/submissions/${d.submission.id}/xlsx`}>Excel</a>
        </div>
      </div>

      {canReview ? (
        <div className="panel review no-print">
          <h2>{t("forms.review2")}</h2>
          {d.flags ? (
            <p className={d.flagCount ? "alert alert-warn" : "alert alert-info"}>
              {d.previousLabel ? t("forms.comparedWith", { period: d.previousLabel }) + " " : t("forms.noApprovedPreviousPeriodToCompare")}
              {d.flagCount ? t("forms.flagCount", { n: d.flagCount }) : t("forms.nothingUnusual")}
            </p>
          ) : null}
          <div className="grid-2">
            {d.actions.includes("approve") ? (
              <Form method="post">
                <CsrfField />
                <p>{t("forms.valuesCheckedAndAccepted")}</p>
                <button type="submit" name="intent" value="approve">{t("forms.approve")}</button>
              </Form>
            ) : null}
            {d.actions.includes("return") ? (
              <Form method="post">
                <CsrfField />
                <label htmlFor="reason">{t("forms.reasonForReturningRequired")}</label>
                <textarea id="reason" name="reason" rows={3} required minLength={MIN_REASON_LENGTH} maxLength={2000} defaultValue={a && "reason" in a && a.intent === "return" ? a.reason : ""} />
                <div className="actions"><button type="submit" name="intent" value="return" className="danger">{t("forms.return")}</button></div>
              </Form>
            ) : null}
          </div>
        </div>
      ) : null}

      {d.actions.includes("reopen") ? (
        <div className="panel no-print">
          <Form method="post">
            <CsrfField />
            <label htmlFor="reopen-reason">{t("forms.reopenTheApprovedFormAdminReason")}</label>
            <textarea id="reopen-reason" name="reason" rows={2} required minLength={MIN_REASON_LENGTH} maxLength={2000} />
            <div className="actions"><button type="submit" name="intent" value="reopen" className="danger">{t("forms.reopen")}</button></div>
          </Form>
        </div>
      ) : null}

      <EntryGrid definition={d.template.definition} indicators={d.indicators} ethnicityNames={d.ethnicityNames} groups={d.groups} values={d.values} flags={d.flags} previous={d.previous} readOnly />

      <h2>{t("forms.history")}</h2>
      <TransitionList transitions={d.transitions} />
      {d.valueChanges.length ? (
        <details className="panel value-history">
          <summary>{t("forms.valueHistory", { n: d.valueChanges.length })}</summary>
          <table>
            <thead><tr><th>{t("forms.when")}</th><th>{t("forms.by")}</th><th>{t("forms.cellChanges")}</th></tr></thead>
            <tbody>
              {d.valueChanges.map((v, i) => (
                <tr key={i}>
                  <td>{formatDateTime(v.at, lang)}</td>
                  <td><code>{v.actor}</code></td>
                  <td>
                    {v.changes.map((c) => {
                      const [ind, eth, sex] = c.cell.split(":");
                      return <div key={c.cell}>{d.indicators[ind]?.name_vi ?? ind} · {eth === "00" ? t("forms.total") : d.ethnicityNames[eth] ?? eth}{sex === "M" ? " · Nam" : sex === "F" ? " · Nữ" : ""}: {c.old || "∅"} → <strong>{c.new || "∅"}</strong></div>;
                    })}
                    {v.count > v.changes.length ? <div className="muted">… (+{v.count - v.changes.length})</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </>
  );
}
