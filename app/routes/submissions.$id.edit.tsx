import { useCallback, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { requireRole } from "../auth/guards.server.ts";
import { submissionView } from "../workflow/submission-view.server.ts";
import { saveEntry } from "../workflow/submissions.server.ts";
import { assertBodySize, idParam, toResponse } from "../workflow/http.server.ts";
import { uploadBulk } from "../forms/bulk.server.ts";
import { loadEthnicities } from "../forms/catalogue.server.ts";
import { MAX_XLSX_BYTES } from "../forms/xlsx.server.ts";
import type { BulkError } from "../forms/bulk.ts";
import type { AppLoadContext } from "../platform/services.ts";
import { CsrfField } from "../components/csrf.tsx";
import { EntryGrid } from "../components/forms/EntryGrid.tsx";
import { StatusBadge } from "../components/forms/StatusBadge.tsx";
import { useTr } from "../components/forms/tr.ts";
import { useEntryEnhancements } from "../components/forms/useEntryEnhancements.ts";
import { useLang, useT } from "../i18n/use-t.ts";
import { formatDate } from "../i18n/format.ts";

export const meta: MetaFunction = () => [{ title: "Nhập liệu · CSDL Dân tộc" }];

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireRole(args, "submitter");
  const id = idParam(args.params.id);
  const view = await submissionView(auth.services.db, auth.scope, id).catch(toResponse);
  if (!view.actions.includes("save")) throw redirect(`/submissions/${id}`);
  const eths = await loadEthnicities(auth.services.db);
  // groups asked for in the URL (restoring rows typed into before a lost session)
  const codes = new Set(eths.map((e) => e.code));
  const extra = (new URL(args.request.url).searchParams.get("groups") ?? "").split(",").filter((g) => g !== "00" && codes.has(g)).slice(0, 60);
  const order = new Map(eths.map((e) => [e.code, e.sort_order]));
  view.groups = [...new Set([...view.groups, ...extra])].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  return json({ ...view, allEthnicities: eths.filter((e) => e.code !== "00").map((e) => ({ code: e.code, name: e.name_vi })) });
}

type ActionData = {
  intent: string;
  typed?: Record<string, string>;
  groups?: string[];
  errors?: Record<string, string>;
  errorList?: { cell: string; message: string }[];
  conflict?: string;
  refused?: string;
  uploadErrors?: BulkError[];
  version?: number;
};

function collect(form: FormData) {
  const raw: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (k.startsWith("c:") && typeof v === "string") raw[k.slice(2)] = v.slice(0, 200);
  const groups = String(form.get("groups") ?? "").split(",").filter((g) => /^\d{2}$/.test(g) && g !== "00");
  return { raw, groups: [...new Set(groups)].slice(0, 60) };
}

export async function action(args: ActionFunctionArgs) {
  assertBodySize(args.request, MAX_XLSX_BYTES + 64 * 1024);
  const auth = await requireRole(args, "submitter");
  const id = idParam(args.params.id);
  const db = auth.services.db;
  const actor = { scope: auth.scope, user: auth.user, ip: (args.context as unknown as AppLoadContext).clientIp };
  const form = await args.request.formData();
  const intent = String(form.get("intent") ?? "save");
  const version = Number(form.get("version"));
  const { raw, groups } = collect(form);
  const lang = (args.request.headers.get("cookie") ?? "").includes("lang=en") ? "en" : "vi";
  try {
    if (intent === "add_group") {
      const g = String(form.get("addGroup") ?? "");
      const next = /^\d{2}$/.test(g) && g !== "00" ? [...new Set([...groups, g])] : groups;
      return json<ActionData>({ intent, typed: raw, groups: next, version });
    }
    if (intent === "upload") {
      const file = form.get("file");
      if (!file || typeof file === "string" || file.size === 0) return json<ActionData>({ intent, uploadErrors: [{ sheet: "", cell: "", vi: "Chưa chọn tệp", en: "No file chosen" }] }, 400);
      const kind = /\.csv$/i.test(file.name) ? "csv" : "xlsx";
      const r = await uploadBulk(db, actor, id, { kind, data: Buffer.from(await file.arrayBuffer()), expectedVersion: version });
      if (!r.ok) return json<ActionData>({ intent, uploadErrors: r.errors }, r.conflict ? 409 : 422);
      return redirect(`/submissions/${id}/edit?uploaded=${r.changed}`);
    }
    const mode = intent === "submit" ? "submit" : "draft";
    const r = await saveEntry(db, actor, id, { version, raw, mode });
    if (r.ok) return redirect(mode === "submit" ? `/submissions/${id}?submitted=1` : `/submissions/${id}/edit?saved=${r.version}`);
    if (r.kind === "invalid") {
      // list errors in the order of the form: row, total before groups, sex
      const view = await submissionView(db, auth.scope, id);
      const rowOrder = new Map(view.template.definition.sections.flatMap((sec) => sec.rows).map((row, i) => [row.indicator, i]));
      const pos = (cell: string) => {
        const [ind, eth, sex] = cell.split(":");
        return [String(rowOrder.get(ind) ?? 999).padStart(4, "0"), eth === "00" ? "" : eth, sex === "F" ? "2" : "1"].join("|");
      };
      r.errors.sort((x, y) => (pos(x.cell) < pos(y.cell) ? -1 : pos(x.cell) > pos(y.cell) ? 1 : 0));
      const errors: Record<string, string> = {};
      for (const e of r.errors) errors[e.cell] ??= lang === "en" ? e.en : e.vi;
      return json<ActionData>({ intent, typed: raw, groups, version, errors, errorList: r.errors.map((e) => ({ cell: e.cell, message: lang === "en" ? e.en : e.vi })) }, 422);
    }
    if (r.kind === "conflict") return json<ActionData>({ intent, typed: raw, groups, version, conflict: lang === "en" ? r.en : r.vi }, 409);
    return json<ActionData>({ intent, typed: raw, groups, version, refused: lang === "en" ? r.refusal.en : r.refusal.vi }, r.refusal.httpStatus);
  } catch (e) {
    return toResponse(e);
  }
}

export default function EditSubmission() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>() as ActionData | undefined;
  const tr = useTr();
  const t = useT();
  const lang = useLang();
  const nav = useNavigation();
  const [params] = useSearchParams();
  const [restored, setRestored] = useState(0);
  const onRestored = useCallback((n: number) => setRestored(n), []);
  const saved = params.has("saved") || params.has("uploaded");
  useEntryEnhancements({ formId: "entry-form", submissionId: d.submission.id, version: d.submission.version, saved, onRestored });
  const groups = a?.groups ?? d.groups;
  const values = a?.typed ? { ...d.values, ...a.typed } : d.values;
  const addable = d.allEthnicities.filter((e) => !groups.includes(e.code));
  const busy = nav.state !== "idle";
  const cellLabel = (cell: string) => {
    const [ind, eth, sex] = cell.split(":");
    const name = d.indicators[ind] ? tr(d.indicators[ind].name_vi, d.indicators[ind].name_en) : ind;
    return `${name} — ${eth === "00" ? t("forms.total") : d.ethnicityNames[eth] ?? eth}${sex === "M" ? t("forms.male") : sex === "F" ? t("forms.female") : ""}`;
  };
  return (
    <>
      <p className="no-print"><Link to="/forms">← {t("forms.myForms")}</Link></p>
      <h1>{tr(d.template.title_vi, d.template.title_en)}</h1>
      <div className="panel">
        <p>
          <strong>{d.unit.name}</strong> · {t("forms.period2")}: {tr(d.period.label_vi, d.period.label_en)} · {t("forms.referenceDate")} {formatDate(d.period.reference_date, lang)} · {t("forms.deadline")} {formatDate(d.period.deadline, lang)} · <StatusBadge status={d.submission.status} />
          {" "}<span className="muted">({d.template.code} v{d.template.version})</span>
        </p>
        {d.submission.status === "returned" && d.submission.returnReason ? (
          <p className="alert alert-error" data-testid="return-reason"><strong>{t("forms.returnedReason")}</strong> {d.submission.returnReason}</p>
        ) : null}
        {params.has("saved") && !a ? <p className="alert alert-ok" role="status">{t("forms.draftSaved")}</p> : null}
        {params.has("uploaded") && !a ? <p className="alert alert-ok" role="status">{t("forms.fileApplied", { n: params.get("uploaded") ?? "0" })}</p> : null}
        {restored ? <p className="alert alert-warn" role="status">{t("forms.restored", { n: restored })}</p> : null}
        {a?.conflict ? <p className="alert alert-error" role="alert" data-testid="conflict">{a.conflict}</p> : null}
        {a?.refused ? <p className="alert alert-error" role="alert">{a.refused}</p> : null}
        {a?.errorList?.length ? (
          <div className="alert alert-error" role="alert" data-testid="error-summary">
            <strong>{a.intent === "submit" ? t("forms.notSubmittedErrors", { n: a.errorList.length }) : t("forms.notSavedErrors", { n: a.errorList.length })}</strong>
            <ul>
              {a.errorList.map((e, i) => (
                <li key={i}><a href={`#c-${e.cell.replace(/:/g, "-")}`}>{cellLabel(e.cell)}</a>: {e.message}</li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>

      <Form method="post" id="entry-form" className="entry-form" noValidate>
        <CsrfField />
        <input type="hidden" name="version" value={a?.version ?? d.submission.version} />
        <input type="hidden" name="groups" value={groups.join(",")} />
        <EntryGrid definition={d.template.definition} indicators={d.indicators} ethnicityNames={d.ethnicityNames} groups={groups} values={values} errors={a?.errors} />
        {d.template.definition.sections.some((s) => s.rows.some((r) => r.breakdown !== "total")) ? (
          <div className="panel add-group">
            <label htmlFor="addGroup">{t("forms.addAnotherEthnicGroup")}</label>
            <div className="actions">
              <select id="addGroup" name="addGroup" defaultValue="">
                <option value="">—</option>
                {addable.map((e) => <option key={e.code} value={e.code}>{e.code} · {e.name}</option>)}
              </select>
              <button type="submit" name="intent" value="add_group" className="secondary">{t("forms.add")}</button>
            </div>
            <p className="muted small">{t("forms.typedValuesAreKeptWhenAdding")}</p>
          </div>
        ) : null}
        <div className="actions sticky-actions">
          <button type="submit" name="intent" value="save" className="secondary" disabled={busy}>{t("forms.saveDraft")}</button>
          <button type="submit" name="intent" value="submit" disabled={busy}>{t("forms.submitForApproval")}</button>
          <span className="muted small">{t("forms.numbersInVietnameseFormat1234")}</span>
        </div>
      </Form>

      <div className="panel no-print bulk">
        <h2>{t("forms.bulkEntryExcelCsv")}</h2>
        <p>
          <a href={`/submissions/${d.submission.id}/xlsx`} download>{t("forms.downloadExcelTemplatePreFilled")}</a>
          {" · "}
          <a href={`/submissions/${d.submission.id}/csv`} download>{t("forms.downloadCsv")}</a>
        </p>
        <Form method="post" encType="multipart/form-data">
          <CsrfField />
          <input type="hidden" name="version" value={d.submission.version} />
          <label htmlFor="file">{t("forms.uploadTheFilledFileXlsxOr")}</label>
          <input id="file" name="file" type="file" accept=".xlsx,.csv" />
          <div className="actions"><button type="submit" name="intent" value="upload" className="secondary">{t("forms.upload")}</button></div>
          <p className="muted small">{t("forms.theFileIsCheckedAsA")}</p>
        </Form>
        {a?.uploadErrors?.length ? (
          <div className="alert alert-error" role="alert" data-testid="upload-errors">
            <strong>{t("forms.fileRefusedNothingChanged")}</strong>
            <table>
              <thead><tr><th>{t("forms.sheet")}</th><th>{t("forms.cell")}</th><th>{t("forms.error")}</th></tr></thead>
              <tbody>{a.uploadErrors.map((e, i) => <tr key={i}><td>{e.sheet}</td><td>{e.cell}</td><td>{lang === "en" ? e.en : e.vi}</td></tr>)}</tbody>
            </table>
          </div>
        ) : null}
      </div>
      <p className="no-print"><Link to={`/submissions/${d.submission.id}`}>{t("forms.historyPrintView")}</Link></p>
    </>
  );
}
