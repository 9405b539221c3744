import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireAdmin } from "../auth/guards.server.ts";
import { getIndicator, listDomains, listIndicators, lockedFields, toRaw, updateIndicator, usageOf } from "../indicators/catalogue.server.ts";
import { CODE_RE, rawFromForm, type FieldErrors, type IndicatorRaw } from "../indicators/indicator-schema.ts";
import type { AppLoadContext } from "../platform/services.ts";
import { CsrfField } from "../components/csrf.tsx";
import { IndicatorFields } from "../components/indicators/IndicatorFields.tsx";
import { useTr } from "../components/forms/tr.ts";
import { useT } from "../i18n/use-t.ts";

export const meta: MetaFunction = () => [{ title: "Chỉ tiêu · Quản trị" }];

function codeParam(v: string | undefined): string {
  if (!v || !CODE_RE.test(v)) throw new Response("Not Found", { status: 404 });
  return v;
}

/** One indicator: its definition (editable within what its use allows), the templates that use it and the ratios computed from it. */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireAdmin(args);
  const db = auth.services.db;
  const ind = await getIndicator(db, codeParam(args.params.code));
  if (!ind) throw new Response("Not Found", { status: 404 });
  const usage = await usageOf(db, ind);
  const all = await listIndicators(db);
  return json({
    ind: { code: ind.code, name_vi: ind.name_vi, name_en: ind.name_en, aggregation: ind.aggregation, numerator_code: ind.numerator_code, denominator_code: ind.denominator_code },
    values: toRaw(ind), usage, locked: lockedFields(usage), domains: await listDomains(db),
    sumIndicators: all.filter((r) => r.aggregation === "sum" && r.code !== ind.code).map((r) => ({ code: r.code, name_vi: r.name_vi })),
  });
}

type ActionData = { values: IndicatorRaw; errors: FieldErrors };

export async function action(args: ActionFunctionArgs) {
  const auth = await requireAdmin(args);
  const code = codeParam(args.params.code);
  const form = await args.request.formData();
  if (form.get("intent") !== "update") throw new Response("Bad Request", { status: 400 });
  const values = rawFromForm(form);
  const actor = { userId: auth.user.id, username: auth.user.username, unitId: auth.user.unitId, ip: (args.context as unknown as AppLoadContext).clientIp };
  const r = await updateIndicator(auth.services.db, actor, code, values);
  if (!r.ok) {
    if (r.status === 404) throw new Response("Not Found", { status: 404 });
    return json<ActionData>({ values, errors: r.errors }, r.status);
  }
  return redirect(`/admin/indicators/${encodeURIComponent(code)}?saved=${r.changed.length}`);
}

export default function AdminIndicator() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>() as ActionData | undefined;
  const t = useT();
  const tr = useTr();
  const [params] = useSearchParams();
  const nErr = a ? Object.keys(a.errors).length : 0;
  const saved = params.get("saved");
  return (
    <>
      <p><Link to="/admin/indicators">← {t("ind.title")}</Link></p>
      <h1>{`${d.ind.code}: ${tr(d.ind.name_vi, d.ind.name_en)}`}</h1>
      {params.get("created") ? <p className="alert alert-ok" role="status">{t("ind.created")}</p> : null}
      {saved !== null ? <p className="alert alert-ok" role="status">{saved === "0" ? t("ind.noChange") : t("ind.saved")}</p> : null}

      <div className="panel">
        <h2>{t("ind.usage")}</h2>
        <p data-testid="ind-values">{t("ind.valueCount", { n: d.usage.values })}</p>
        {d.ind.aggregation === "ratio" ? <p>{t("ind.ratioOf", { num: d.ind.numerator_code ?? "", den: d.ind.denominator_code ?? "" })}</p> : null}
        {d.usage.templates.length ? (
          <ul data-testid="ind-templates">
            {d.usage.templates.map((u) => <li key={u.id}><Link to={`/admin/forms/${u.id}`}>{`${u.code} v${u.version}`}</Link> ({t(`ind.status.${u.status}`)})</li>)}
          </ul>
        ) : <p className="muted">{t("ind.noTemplates")}</p>}
        {d.usage.ratios.length ? (
          <p>{t("ind.usedByRatios")}: {d.usage.ratios.map((c, i) => <span key={c}>{i ? ", " : ""}<Link to={`/admin/indicators/${c}`}>{c}</Link></span>)}</p>
        ) : null}
      </div>

      <div className="panel">
        <h2>{t("ind.edit")}</h2>
        {nErr ? <p className="alert alert-error" role="alert" data-testid="ind-errors">{t("ind.fixErrors", { n: nErr })}{a?.errors.form ? `: ${a.errors.form}` : ""}</p> : null}
        <Form method="post">
          <CsrfField />
          <IndicatorFields values={a?.values ? { ...d.values, ...a.values } : d.values} errors={a?.errors ?? {}} locked={d.locked} domains={d.domains} sumIndicators={d.sumIndicators} />
          <div className="actions"><button type="submit" name="intent" value="update">{t("common.save")}</button></div>
        </Form>
      </div>
    </>
  );
}
