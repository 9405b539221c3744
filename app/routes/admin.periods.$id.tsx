import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireAdmin } from "../auth/guards.server.ts";
import { assignForm, getPeriod, listAssignments, PeriodError, setPeriodStatus } from "../periods/periods.server.ts";
import { nextPeriodStatus, PERIOD_STATUS_LABELS, type PeriodCommand } from "../periods/period.ts";
import { idParam } from "../workflow/http.server.ts";
import type { AppLoadContext } from "../platform/services.ts";
import { CsrfField } from "../components/csrf.tsx";
import { useTr } from "../components/forms/tr.ts";
import { useLang, useT } from "../i18n/use-t.ts";
import { formatDate } from "../i18n/format.ts";

export const meta: MetaFunction = () => [{ title: "Kỳ báo cáo · Quản trị" }];

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireAdmin(args);
  const db = auth.services.db;
  const period = await getPeriod(db, idParam(args.params.id));
  if (!period) throw new Response("Not Found", { status: 404 });
  const [assignments, forms, counts] = await Promise.all([
    listAssignments(db, period.id),
    db("form_templates").where("status", "published").select("code", "title_vi", "version").orderBy("code"),
    db("submissions").where("period_id", period.id).groupBy("status").select("status").count<{ status: string; n: number }[]>({ n: "*" }),
  ]);
  return json({ period, assignments, forms, counts: Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])) });
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireAdmin(args);
  const id = idParam(args.params.id);
  const form = await args.request.formData();
  const intent = String(form.get("intent") ?? "");
  const actor = { userId: auth.user.id, username: auth.user.username, unitId: auth.user.unitId, ip: (args.context as unknown as AppLoadContext).clientIp };
  const db = auth.services.db;
  try {
    if (intent === "assign") {
      const formCode = String(form.get("formCode") ?? "");
      const target = String(form.get("target") ?? "");
      if (target === "units") {
        const codes = String(form.get("unitCodes") ?? "").split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean).slice(0, 500);
        const units = await db("units").whereIn("code", codes).select("id", "code");
        const missing = codes.filter((c) => !units.some((u) => u.code === c));
        if (!codes.length || missing.length) return json({ error: `Mã đơn vị không tồn tại: ${missing.join(", ") || "(trống)"}` }, 422);
        await assignForm(db, actor, id, formCode, { unitIds: units.map((u) => u.id) });
      } else if (target === "commune" || target === "district" || target === "department") await assignForm(db, actor, id, formCode, { tier: target });
      else return json({ error: "Chọn đối tượng báo cáo" }, 422);
    } else if (["open", "close", "lock", "reopen"].includes(intent)) {
      await setPeriodStatus(db, actor, id, intent as PeriodCommand, String(form.get("reason") ?? ""));
    } else throw new Response("Bad Request", { status: 400 });
  } catch (e) {
    if (e instanceof PeriodError) return json({ error: e.message }, 409);
    throw e;
  }
  return redirect(`/admin/periods/${id}?done=${intent}`);
}

const CMD: Record<PeriodCommand, [string, string]> = { open: ["Mở nhập liệu", "Open"], close: ["Đóng kỳ", "Close"], lock: ["Khóa sổ", "Lock"], reopen: ["Mở lại kỳ", "Reopen"] };

export default function AdminPeriod() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const tr = useTr();
  const t = useT();
  const lang = useLang();
  const [params] = useSearchParams();
  const p = d.period;
  const cmds = (Object.keys(CMD) as PeriodCommand[]).filter((c) => nextPeriodStatus(p.status, c));
  return (
    <>
      <p><Link to="/admin/periods">← {t("forms.periods")}</Link></p>
      <h1>{tr(p.label_vi, p.label_en)} <span className="muted">({p.code})</span></h1>
      <div className="panel">
        <p>{t("forms.status")}: <strong data-testid="period-status">{tr(PERIOD_STATUS_LABELS[p.status].vi, PERIOD_STATUS_LABELS[p.status].en)}</strong> · {t("forms.referenceDate")} {formatDate(p.reference_date, lang)} · {t("forms.deadline")} {formatDate(p.deadline, lang)}</p>
        <p className="muted">{t("forms.submissions")}: {Object.entries(d.counts).map(([k, n]) => `${k}: ${n}`).join(" · ") || "0"} · <a href={`/completeness?period=${p.id}`}>{t("forms.completeness2")}</a></p>
        {params.get("done") ? <p className="alert alert-ok">{t("forms.done")}</p> : null}
        {a && "error" in a ? <p className="alert alert-error">{a.error}</p> : null}
        <div className="actions">
          {cmds.map((c) => (
            <Form method="post" key={c}>
              <CsrfField />
              {c === "reopen" ? <input type="text" name="reason" placeholder={t("forms.reasonRequired")} required minLength={5} /> : null}
              <button type="submit" name="intent" value={c} className={c === "lock" ? "danger" : undefined}>{tr(...CMD[c])}</button>
            </Form>
          ))}
        </div>
      </div>
      <div className="panel">
        <h2>{t("forms.formsAssigned")}</h2>
        <table>
          <thead><tr><th>{t("forms.form2")}</th><th>{t("forms.version")}</th><th>{t("forms.whoReports")}</th></tr></thead>
          <tbody>{d.assignments.map((x) => <tr key={x.id}><td>{x.form_code} — {x.title_vi}</td><td>v{x.version}</td><td>{x.tier ? t("forms.allUnitsOfTier", { tier: t(`tier.${x.tier}`) }) : x.unit_name}</td></tr>)}</tbody>
        </table>
        {p.status !== "locked" ? (
          <Form method="post" className="filters">
            <CsrfField />
            <div>
              <label htmlFor="formCode">{t("forms.form")}</label>
              <select id="formCode" name="formCode">{d.forms.map((f) => <option key={f.code} value={f.code}>{f.code} (v{f.version})</option>)}</select>
            </div>
            <div>
              <label htmlFor="target">{t("forms.assignTo")}</label>
              <select id="target" name="target" defaultValue="commune">
                <option value="commune">{t("forms.allCommunes")}</option>
                <option value="district">{t("forms.allDistricts")}</option>
                <option value="department">{t("forms.allDepartments")}</option>
                <option value="units">{t("forms.chosenUnitsCodes")}</option>
              </select>
            </div>
            <div style={{ flex: 2 }}><label htmlFor="unitCodes">{t("forms.unitCodesForChosenUnits")}</label><input id="unitCodes" name="unitCodes" type="text" placeholder="01234, 01237" /></div>
            <div><button type="submit" name="intent" value="assign">{t("forms.assign")}</button></div>
          </Form>
        ) : null}
      </div>
    </>
  );
}
