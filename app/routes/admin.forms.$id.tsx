import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { stringify } from "yaml";
import { requireAdmin } from "../auth/guards.server.ts";
import { CatalogueError, getTemplate, loadIndicatorMeta, publishTemplate, retireTemplate } from "../forms/catalogue.server.ts";
import { templateRows } from "../forms/template.ts";
import { idParam } from "../workflow/http.server.ts";
import type { AppLoadContext } from "../platform/services.ts";
import { CsrfField } from "../components/csrf.tsx";
import { EntryGrid } from "../components/forms/EntryGrid.tsx";
import { useTr } from "../components/forms/tr.ts";
import { useT } from "../i18n/use-t.ts";

export const meta: MetaFunction = () => [{ title: "Biểu mẫu · Quản trị" }];

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireAdmin(args);
  const db = auth.services.db;
  const t = await getTemplate(db, idParam(args.params.id));
  if (!t) throw new Response("Not Found", { status: 404 });
  const meta = await loadIndicatorMeta(db);
  const indicators = Object.fromEntries(templateRows(t.definition).map((r) => [r.indicator, { name_vi: meta.get(r.indicator)?.name_vi ?? r.indicator, name_en: meta.get(r.indicator)?.name_en ?? r.indicator, unit_vi: meta.get(r.indicator)?.unit_vi }]));
  const used = await db("submissions").where({ template_id: t.id }).count<{ n: number }[]>({ n: "*" });
  return json({ t: { id: t.id, code: t.code, version: t.version, title_vi: t.title_vi, title_en: t.title_en, status: t.status, definition: t.definition }, yaml: stringify(t.definition), indicators, submissions: Number(used[0].n) });
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireAdmin(args);
  const id = idParam(args.params.id);
  const intent = String((await args.request.formData()).get("intent") ?? "");
  const actor = { userId: auth.user.id, username: auth.user.username, unitId: auth.user.unitId, ip: (args.context as unknown as AppLoadContext).clientIp };
  try {
    if (intent === "publish") await publishTemplate(auth.services.db, actor, id);
    else if (intent === "retire") await retireTemplate(auth.services.db, actor, id);
    else throw new Response("Bad Request", { status: 400 });
  } catch (e) {
    if (e instanceof CatalogueError) return json({ error: e.message }, 409);
    throw e;
  }
  return redirect(`/admin/forms/${id}?done=${intent}`);
}

export default function AdminForm() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const tr = useTr();
  const t = useT();
  const [params] = useSearchParams();
  return (
    <>
      <p><Link to="/admin/forms">← {t("forms.formCatalogue")}</Link></p>
      <h1>{`${d.t.code} v${d.t.version}: ${tr(d.t.title_vi, d.t.title_en)}`}</h1>
      <div className="panel">
        <p>{t("forms.status")}: <strong data-testid="template-status">{d.t.status}</strong> · {t("forms.submissionsOnVersion", { n: d.submissions })}</p>
        <p>{t("forms.reportingTiers")}: {d.t.definition.tiers.join(", ")} · {t("forms.approver")}: {"chain" in d.t.definition.approval ? t("forms.parentUnit") : d.t.definition.approval.unit_code}</p>
        {params.get("uploaded") ? <p className="alert alert-ok">{t("forms.draftSavedCheckThePreviewThen")}</p> : null}
        {params.get("done") === "publish" ? <p className="alert alert-ok">{t("forms.publishedThePreviousVersionIsRetired")}</p> : null}
        {a && "error" in a ? <p className="alert alert-error">{a.error}</p> : null}
        <Form method="post" className="actions">
          <CsrfField />
          {d.t.status === "draft" ? <button type="submit" name="intent" value="publish">{t("forms.publish")}</button> : null}
          {d.t.status !== "retired" ? <button type="submit" name="intent" value="retire" className="secondary">{t("forms.retire")}</button> : null}
        </Form>
      </div>
      <div className="panel preview">
        <h2>{t("forms.preview")}</h2>
        <EntryGrid definition={d.t.definition} indicators={d.indicators} ethnicityNames={{ "02": "Tày", "07": "Nùng" }} groups={["02", "07"]} values={{}} />
        {d.t.definition.rules.length ? (
          <>
            <h3>{t("forms.rules")}</h3>
            <ul>{d.t.definition.rules.map((r, i) => <li key={i}>{r.type === "lte" ? `${r.left} ≤ ${r.right}` : t("forms.ruleSum", { indicator: r.indicator })}{r.message_vi ? ` — ${r.message_vi}` : ""}</li>)}</ul>
          </>
        ) : null}
      </div>
      <details className="panel">
        <summary>{t("forms.definitionYamlCopyEditAndUpload")}</summary>
        <pre>{d.yaml}</pre>
      </details>
    </>
  );
}
