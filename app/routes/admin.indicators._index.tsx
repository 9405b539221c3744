import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireAdmin } from "../auth/guards.server.ts";
import { createIndicator, listDomains, listIndicators } from "../indicators/catalogue.server.ts";
import { rawFromForm, type FieldErrors, type IndicatorRaw } from "../indicators/indicator-schema.ts";
import { translate } from "../i18n/i18n.ts";
import type { AppLoadContext } from "../platform/services.ts";
import { CsrfField } from "../components/csrf.tsx";
import { IndicatorFields } from "../components/indicators/IndicatorFields.tsx";
import { useTr } from "../components/forms/tr.ts";
import { useT } from "../i18n/use-t.ts";

export const meta: MetaFunction = () => [{ title: "Danh mục chỉ tiêu · Quản trị" }];

/** The indicator catalogue: search by code, name (accents ignored) or domain; create a new indicator. */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireAdmin(args);
  const db = auth.services.db;
  const url = new URL(args.request.url);
  const q = (url.searchParams.get("q") ?? "").trim().slice(0, 100);
  const domains = await listDomains(db);
  const domain = domains.includes(url.searchParams.get("domain") ?? "") ? url.searchParams.get("domain")! : "";
  const domainLabels = Object.fromEntries(domains.map((d) => [d, translate("vi", `ind.domain.${d}`)]));
  const all = await listIndicators(db);
  const rows = q || domain ? await listIndicators(db, { q, domain, domainLabels }) : all;
  return json({
    rows, total: all.length, q, domain, domains,
    sumIndicators: all.filter((r) => r.aggregation === "sum").map((r) => ({ code: r.code, name_vi: r.name_vi })),
  });
}

type ActionData = { values: IndicatorRaw; errors: FieldErrors };

export async function action(args: ActionFunctionArgs) {
  const auth = await requireAdmin(args);
  const form = await args.request.formData();
  if (form.get("intent") !== "create") throw new Response("Bad Request", { status: 400 });
  const values = rawFromForm(form);
  const actor = { userId: auth.user.id, username: auth.user.username, unitId: auth.user.unitId, ip: (args.context as unknown as AppLoadContext).clientIp };
  const r = await createIndicator(auth.services.db, actor, values);
  if (!r.ok) return json<ActionData>({ values, errors: r.errors }, r.status);
  return redirect(`/admin/indicators/${encodeURIComponent(r.code)}?created=1`);
}

export default function AdminIndicators() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>() as ActionData | undefined;
  const t = useT();
  const tr = useTr();
  const nErr = a ? Object.keys(a.errors).length : 0;
  return (
    <>
      <p><Link to="/admin/forms">{t("ind.toForms")} →</Link></p>
      <h1>{t("ind.title")}</h1>
      <Form method="get" className="panel filters">
        <div style={{ flex: 2 }}>
          <label htmlFor="q">{t("ind.search")}</label>
          <input id="q" name="q" type="search" defaultValue={d.q} />
        </div>
        <div>
          <label htmlFor="domain">{t("ind.domain")}</label>
          <select id="domain" name="domain" defaultValue={d.domain}>
            <option value="">—</option>
            {d.domains.map((x) => <option key={x} value={x}>{t(`ind.domain.${x}`)}</option>)}
          </select>
        </div>
        <div className="actions"><button type="submit">{t("common.search")}</button></div>
      </Form>
      <p className="muted" data-testid="ind-count">{t("ind.count", { n: d.rows.length, total: d.total })}</p>
      <table>
        <thead><tr><th>{t("ind.code")}</th><th>{t("ind.name")}</th><th>{t("ind.domain")}</th><th>{t("ind.unit")}</th><th>{t("ind.aggregation")}</th><th>{t("ind.disaggregation")}</th><th>{t("ind.forms")}</th></tr></thead>
        <tbody>
          {d.rows.map((r) => (
            <tr key={r.code}>
              <td><Link to={`/admin/indicators/${encodeURIComponent(r.code)}`}><strong>{r.code}</strong></Link></td>
              <td>{tr(r.name_vi, r.name_en)}</td>
              <td>{t(`ind.domain.${r.domain}`)}</td>
              <td>{r.unit_vi}</td>
              <td>{t(`ind.agg.${r.aggregation}`)}</td>
              <td>{t(`ind.disagg.${r.disaggregation}`)}</td>
              <td>{r.forms.join(", ") || "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <div className="panel" id="new">
        <h2>{t("ind.new")}</h2>
        <p className="muted">{t("ind.newHelp")}</p>
        {nErr ? <p className="alert alert-error" role="alert" data-testid="ind-errors">{t("ind.fixErrors", { n: nErr })}{a?.errors.form ? `: ${a.errors.form}` : ""}</p> : null}
        <Form method="post">
          <CsrfField />
          <IndicatorFields values={a?.values ?? { aggregation: "sum", value_type: "integer", disaggregation: "none" }} errors={a?.errors ?? {}} domains={d.domains} sumIndicators={d.sumIndicators} />
          <div className="actions"><button type="submit" name="intent" value="create">{t("ind.create")}</button></div>
        </Form>
      </div>
    </>
  );
}
