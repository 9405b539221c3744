import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireAdmin } from "../auth/guards.server.ts";
import { createPeriod, listPeriods, PeriodError } from "../periods/periods.server.ts";
import { PERIOD_STATUS_LABELS } from "../periods/period.ts";
import type { AppLoadContext } from "../platform/services.ts";
import { CsrfField } from "../components/csrf.tsx";
import { useTr } from "../components/forms/tr.ts";
import { useLang } from "../i18n/use-t.ts";
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
  const lang = useLang();
  const fe = (a && "fieldErrors" in a ? a.fieldErrors : {}) as Record<string, string>;
  const v = (a && "values" in a ? a.values : {}) as Record<string, string>;
  const err = (k: string) => (fe[k] ? <p className="field-error">{fe[k]}</p> : null);
  return (
    <>
      <h1>{tr("Kỳ báo cáo", "Reporting periods")}</h1>
      <table>
        <thead><tr><th>{tr("Mã", "Code")}</th><th>{tr("Kỳ", "Period")}</th><th>{tr("Số liệu tính đến", "Reference date")}</th><th>{tr("Mở nhập", "Entry opens")}</th><th>{tr("Hạn nộp", "Deadline")}</th><th>{tr("Trạng thái", "Status")}</th><th></th></tr></thead>
        <tbody>
          {d.periods.map((p) => (
            <tr key={p.id}>
              <td>{p.code}{p.is_demo ? <> <span className="badge badge-demo">demo</span></> : null}</td>
              <td>{tr(p.label_vi, p.label_en)}</td>
              <td>{formatDate(p.reference_date, lang)}</td>
              <td>{p.entry_opens_on ? formatDate(p.entry_opens_on, lang) : "—"}</td>
              <td>{formatDate(p.deadline, lang)}</td>
              <td>{tr(PERIOD_STATUS_LABELS[p.status].vi, PERIOD_STATUS_LABELS[p.status].en)}</td>
              <td><Link to={`/admin/periods/${p.id}`}>{tr("Quản lý", "Manage")}</Link></td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="panel">
        <h2>{tr("Tạo kỳ báo cáo", "New period")}</h2>
        {a && "error" in a ? <p className="alert alert-error">{a.error}</p> : null}
        <Form method="post" className="filters">
          <CsrfField />
          <div>
            <label htmlFor="type">{tr("Loại kỳ", "Type")}</label>
            <select id="type" name="type" defaultValue={v.type ?? "year"}>
              <option value="month">{tr("Tháng", "Month")}</option>
              <option value="quarter">{tr("Quý", "Quarter")}</option>
              <option value="half">{tr("6 tháng", "Half-year")}</option>
              <option value="year">{tr("Năm", "Year")}</option>
              <option value="multi_year">{tr("Nhiều năm", "Multi-year")}</option>
            </select>
            {err("type")}
          </div>
          <div><label htmlFor="year">{tr("Năm", "Year")}</label><input id="year" name="year" type="number" defaultValue={v.year ?? new Date().getFullYear()} />{err("year")}</div>
          <div><label htmlFor="number">{tr("Tháng/quý/nửa năm số", "Month/quarter/half no.")}</label><input id="number" name="number" type="number" min={1} max={12} defaultValue={v.number ?? ""} />{err("number")}</div>
          <div><label htmlFor="end_year">{tr("Năm kết thúc (nhiều năm)", "End year (multi-year)")}</label><input id="end_year" name="end_year" type="number" defaultValue={v.end_year ?? ""} />{err("end_year")}</div>
          <div><label htmlFor="reference_date">{tr("Số liệu tính đến ngày", "Reference date")}</label><input id="reference_date" name="reference_date" type="date" defaultValue={v.reference_date ?? ""} />{err("reference_date")}</div>
          <div><label htmlFor="entry_opens_on">{tr("Mở nhập từ", "Entry opens")}</label><input id="entry_opens_on" name="entry_opens_on" type="date" defaultValue={v.entry_opens_on ?? ""} />{err("entry_opens_on")}</div>
          <div><label htmlFor="deadline">{tr("Hạn nộp", "Deadline")}</label><input id="deadline" name="deadline" type="date" required defaultValue={v.deadline ?? ""} />{err("deadline")}</div>
          <div><button type="submit">{tr("Tạo kỳ", "Create")}</button></div>
        </Form>
        <p className="muted small">{tr("Để trống \"Số liệu tính đến\" = ngày cuối kỳ.", "Empty reference date = last day of the period.")}</p>
      </div>
    </>
  );
}
