import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useEffect, useRef, useState } from "react";
import { Form, Link, useActionData, useFetcher, useLoaderData } from "@remix-run/react";
import { requireAdmin } from "../auth/guards.server.ts";
import { listTemplates, loadCatalogue, loadIndicatorMeta, otherFormIndicators, uploadTemplate } from "../forms/catalogue.server.ts";
import { detectFormat, MAX_TEMPLATE_BYTES, parseTemplateSource, type SourceIssue } from "../forms/template-source.ts";
import { templateRows, type TemplateDefinition } from "../forms/template.ts";
import { assertBodySize } from "../workflow/http.server.ts";
import type { AppLoadContext } from "../platform/services.ts";
import { CsrfField, useCsrfToken } from "../components/csrf.tsx";
import { EntryGrid } from "../components/forms/EntryGrid.tsx";
import { useTr } from "../components/forms/tr.ts";
import { useLang, useT } from "../i18n/use-t.ts";
import { formatDateTime } from "../i18n/format.ts";

export const meta: MetaFunction = () => [{ title: "Danh mục biểu mẫu · Quản trị" }];

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireAdmin(args);
  return json({ templates: await listTemplates(auth.services.db) });
}

type ActionData = { source: string; issues?: SourceIssue[]; preview?: { definition: TemplateDefinition; indicators: Record<string, { name_vi: string; name_en: string; unit_vi?: string }> } };

/** Upload (or paste) a template as JSON or YAML: "preview" checks and shows it; "upload" stores it as the next draft version. */
export async function action(args: ActionFunctionArgs) {
  assertBodySize(args.request, MAX_TEMPLATE_BYTES * 2 + 16 * 1024);
  const auth = await requireAdmin(args);
  const db = auth.services.db;
  const form = await args.request.formData();
  const file = form.get("file");
  let source = String(form.get("source") ?? "");
  let filename: string | null = null;
  if (file && typeof file !== "string" && file.size > 0) {
    if (file.size > MAX_TEMPLATE_BYTES) return json<ActionData>({ source: "", issues: [{ line: null, path: "", message: "Tệp quá lớn (tối đa 512 KB)" }] }, 413);
    source = await file.text();
    filename = file.name;
  }
  if (!source.trim()) return json<ActionData>({ source, issues: [{ line: null, path: "", message: "Chưa có nội dung: chọn tệp .json/.yaml hoặc dán nội dung vào ô" }] }, 400);
  if (form.get("intent") === "upload") {
    const r = await uploadTemplate(db, { userId: auth.user.id, username: auth.user.username, unitId: auth.user.unitId, ip: (args.context as unknown as AppLoadContext).clientIp }, source, filename);
    if (!r.ok) return json<ActionData>({ source, issues: r.issues }, 422);
    return redirect(`/admin/forms/${r.template.id}?uploaded=1`);
  }
  const r = parseTemplateSource(source, await loadCatalogue(db), await otherFormIndicators(db), detectFormat(filename, source));
  if (!r.ok) return json<ActionData>({ source, issues: r.issues }, 422);
  const meta = await loadIndicatorMeta(db);
  const indicators = Object.fromEntries(templateRows(r.definition).map((row) => [row.indicator, { name_vi: meta.get(row.indicator)!.name_vi, name_en: meta.get(row.indicator)!.name_en, unit_vi: meta.get(row.indicator)!.unit_vi }]));
  return json<ActionData>({ source, preview: { definition: r.definition, indicators } });
}

const STATUS: Record<string, [string, string, string]> = { draft: ["Bản nháp", "Draft", "badge-warn"], published: ["Đang dùng", "Published", "badge-ok"], retired: ["Ngừng sử dụng", "Retired", ""] };

export default function AdminForms() {
  const d = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>() as ActionData | undefined;
  // live preview (with JavaScript): the pasted text is checked as it is typed
  const live = useFetcher<typeof action>();
  const csrf = useCsrfToken();
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);
  const onSourceChange = (text: string) => {
    clearTimeout(timer.current);
    setTyping(true);
    if (!text.trim()) return;
    timer.current = setTimeout(() => live.submit({ intent: "preview", source: text, _csrf: csrf }, { method: "post" }), 700);
  };
  const [typing, setTyping] = useState(false);
  const liveData = live.data as ActionData | undefined;
  const a = typing && liveData ? liveData : posted;
  const tr = useTr();
  const t = useT();
  const lang = useLang();
  const lines = (a?.source ?? "").split("\n");
  const bad = new Set((a?.issues ?? []).map((i) => i.line));
  return (
    <>
      <h1>{t("forms.formCatalogue")}</h1>
      <table>
        <thead><tr><th>{t("forms.code")}</th><th>{t("forms.version")}</th><th>{t("forms.title")}</th><th>{t("forms.status")}</th><th>{t("forms.published")}</th><th></th></tr></thead>
        <tbody>
          {d.templates.map((tp) => (
            <tr key={tp.id}>
              <td><strong>{tp.code}</strong></td>
              <td>v{tp.version}</td>
              <td>{tr(tp.title_vi, tp.title_en)}</td>
              <td><span className={`badge ${STATUS[tp.status]?.[2] ?? ""}`}>{tr(STATUS[tp.status]?.[0] ?? tp.status, STATUS[tp.status]?.[1] ?? tp.status)}</span></td>
              <td>{tp.published_at ? formatDateTime(tp.published_at, lang) : "—"}</td>
              <td><Link to={`/admin/forms/${tp.id}`}>{t("forms.view")}</Link></td>
            </tr>
          ))}
        </tbody>
      </table>

      <div className="panel">
        <h2>{t("forms.newFormOrVersion")}</h2>
        <p className="muted">{t("forms.uploadAJsonOrYamlTemplate")}</p>
        <p><Link to="/admin/indicators">{t("ind.toIndicators")}</Link></p>
        <Form method="post" encType="multipart/form-data" onSubmit={() => setTyping(false)}>
          <CsrfField />
          <label htmlFor="file">{t("forms.fileJsonYaml")}</label>
          <input id="file" name="file" type="file" accept=".json,.yaml,.yml" />
          <label htmlFor="source">{t("forms.orPasteIt")}</label>
          <textarea id="source" name="source" rows={14} defaultValue={posted?.source ?? ""} spellCheck={false} style={{ fontFamily: "monospace" }} onChange={(e) => onSourceChange(e.currentTarget.value)} />
          <div className="actions">
            <button type="submit" name="intent" value="preview" className="secondary">{t("forms.checkAndPreview")}</button>
            <button type="submit" name="intent" value="upload">{t("forms.saveAsDraft")}</button>
          </div>
        </Form>
        {a?.issues?.length ? (
          <div className="alert alert-error" role="alert" data-testid="template-issues">
            <strong>{t("forms.invalidTemplate", { n: a.issues.length })}</strong>
            <ul>{a.issues.map((i, k) => <li key={k}>{i.line ? t("forms.line", { n: i.line }) : t("forms.file")}{i.path ? ` (${i.path})` : ""}: {i.message}</li>)}</ul>
          </div>
        ) : null}
        {a?.issues?.length && a.source ? (
          <pre className="source-lines">{lines.map((l, i) => <div key={i} className={bad.has(i + 1) ? "bad-line" : undefined}><span className="ln">{String(i + 1).padStart(4)}</span> {l}</div>)}</pre>
        ) : null}
      </div>
      {a?.preview ? (
        <div className="panel preview">
          <h2>{t("forms.preview2")}: {tr(a.preview.definition.title_vi, a.preview.definition.title_en)}</h2>
          <p className="alert alert-ok">{t("forms.validClickSaveAsDraftTo")}</p>
          <EntryGrid definition={a.preview.definition} indicators={a.preview.indicators} ethnicityNames={{ "02": "Tày", "07": "Nùng" }} groups={["02", "07"]} values={{}} />
        </div>
      ) : null}
    </>
  );
}
