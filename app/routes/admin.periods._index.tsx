import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireAdmin } from "../auth/guards.server.ts";
import { createPeriod, listPeriods, PeriodError } from "../periods/periods.server.ts";
import { PERIOD_STATUS_LABELS } from "../periods/period.ts";
import type { AppLoadContext } from "../platform/services.ts";
import { CsrfField } from "../components/csrf.tsx";
import { useTr } from "../components/forms/tr.ts";
import { useLang, useT } from "../i18n/use-t.ts";
import { formatDate } from "../i18n/format.ts";

export const meta: MetaFunction = () => [{ title: "Kỳ báo cáo · Quản trị" }];

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireAdmin(args);
  return json({ periods: await listPeriods(auth.services.db) });
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireAdmin(args);
  const form = Object.fromEntries(await args.request.formData());
  const input = { type: form.type, year: form.year, end_year: form.end_year, number: form.number, reference_date: form.reference_date, entry_opens_on: form.entry_opens_on, deadline: form.deadline };
  try {
    const p = await createPeriod(auth.services.db, { userId: auth.user.id, username: auth.user.username, unitId: auth.user.unitId, ip: (args.context as unknown as AppLoadContext).clientIp }, input);
    return redirect(`/admin/periods/${p.id}?created=1`);
  } catch (e) {
    if (e instanceof PeriodError) return json({ error: e.message, fieldErrors: e.fieldErrors, values: input as Record<string, unknown> }, 422);
    throw e;
  }
}

export default function AdminPeriods() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const tr = useTr();
  const t = useT();
  const lang = useLang();
  const fe = (a && "fieldErrors" in a ? a.fieldErrors : {}) as Record<string, string>;
  const v = (a && "values" in a ? a.values : {}) as Record<string, string>;
  const err = (k: string) => (fe[k] ? <p className="field-error">{fe[k]}</p> : null);
  return (
    <>
      <h1>{t("forms.reportingPeriods")}</h1>
      <table>
        <thead><tr><th>{t("forms.code")}</th><th>{t("forms.period2")}</th><th>{t("forms.referenceDate")}</th><th>{t("forms.entryOpens")}</th><th>{t("forms.deadline")}</th><th>{t("forms.status")}</th><th></th></tr></thead>
        <tbody>
          {d.periods.map((p) => (
            <tr key={p.id}>
              <td>{p.code}{p.is_demo ? <> <span className="badge badge-demo">demo</span></> : null}</td>
              <td>{tr(p.label_vi, p.label_en)}</td>
              <td>{formatDate(p.reference_date, lang)}</td>
              <td>{p.entry_opens_on ? formatDate(p.entry_opens_on, lang) : "—"}</td>
              <td>{formatDate(p.deadline, lang)}</td>
              <td>{tr(PERIOD_STATUS_LABELS[p.status].vi, PERIOD_STATUS_LABELS[p.status].en)}</td>
              <td><Link to={`/admin/periods/${p.id}`}>{t("forms.manage")}</Link></td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="panel">
        <h2>{t("forms.newPeriod")}</h2>
        {a && "error" in a ? <p className="alert alert-error">{a.error}</p> : null}
        <Form method="post" className="filters">
          <CsrfField />
          <div>
            <label htmlFor="type">{t("forms.type")}</label>
            <select id="type" name="type" defaultValue={v.type ?? "year"}>
              <option value="month">{t("forms.month")}</option>
              <option value="quarter">{t("forms.quarter")}</option>
              <option value="half">{t("forms.halfYear")}</option>
              <option value="year">{t("forms.year")}</option>
              <option value="multi_year">{t("forms.multiYear")}</option>
            </select>
            {err("type")}
          </div>
          <div><label htmlFor="year">{t("forms.year")}</label><input id="year" name="year" type="number" defaultValue={v.year ?? new Date().getFullYear()} />{err("year")}</div>
          <div><label htmlFor="number">{t("forms.monthQuarterHalfNo")}</label><input id="number" name="number" type="number" min={1} max={12} defaultValue={v.number ?? ""} />{err("number")}</div>
          <div><label htmlFor="end_year">{t("forms.endYearMultiYear")}</label><input id="end_year" name="end_year" type="number" defaultValue={v.end_year ?? ""} />{err("end_year")}</div>
          <div><label htmlFor="reference_date">{t("forms.referenceDate2")}</label><input id="reference_date" name="reference_date" type="date" defaultValue={v.reference_date ?? ""} />{err("reference_date")}</div>
          <div><label htmlFor="entry_opens_on">{t("forms.entryOpens2")}</label><input id="entry_opens_on" name="entry_opens_on" type="date" defaultValue={v.entry_opens_on ?? ""} />{err("entry_opens_on")}</div>
          <div><label htmlFor="deadline">{t("forms.deadline")}</label><input id="deadline" name="deadline" type="date" required defaultValue={v.deadline ?? ""} />{err("deadline")}</div>
          <div><button type="submit">{t("forms.create")}</button></div>
        </Form>
        <p className="muted small">{t("forms.emptyReferenceDateLastDayOf")}</p>
      </div>
    </>
  );
}
