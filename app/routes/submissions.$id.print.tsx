import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "../auth/guards.server.ts";
import { submissionView } from "../workflow/submission-view.server.ts";
import { idParam, toResponse } from "../workflow/http.server.ts";
import { printInput } from "../print/submission-pdf.server.ts";
import { EntryGrid } from "../components/forms/EntryGrid.tsx";

export const meta: MetaFunction = () => [{ title: "Bản in · CSDL Dân tộc" }];

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireUser(args);
  const id = idParam(args.params.id);
  const view = await submissionView(auth.services.db, auth.scope, id).catch(toResponse);
  return json({ view, print: printInput(view) });
}

/** The paper form: print it, sign it, stamp it (the regulation asks units to send it signed). */
export default function PrintView() {
  const { view: v, print: p } = useLoaderData<typeof loader>();
  return (
    <article className="print-form">
      <p className="no-print actions">
        <Link to={`/submissions/${v.submission.id}`}>← Quay lại</Link>
        <a className="button secondary" href={`/submissions/${v.submission.id}/pdf`}>Tải PDF</a>
        <span className="muted">Dùng lệnh In của trình duyệt (Ctrl+P) để in bản này.</span>
      </p>
      <header className="print-head">
        <div>
          <div>{(p.parentName ?? "").toUpperCase()}</div>
          <strong>{p.unitName.toUpperCase()}</strong>
        </div>
        <div>
          <strong>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</strong>
          <div><u>Độc lập - Tự do - Hạnh phúc</u></div>
        </div>
      </header>
      <h1 className="print-title">{p.title_vi.toUpperCase()}</h1>
      <p className="print-sub"><em>({p.formCode}, phiên bản {p.templateVersion}) — {p.periodLabel}</em></p>
      <p>Đơn vị báo cáo: <strong>{p.unitName}</strong>{p.parentName ? ` — ${p.parentName}` : ""}</p>
      <p>Kỳ báo cáo: <strong>{p.periodLabel}</strong> — Số liệu tính đến ngày <strong>{p.referenceDate.split("-").reverse().join("/")}</strong> — Hạn nộp: {p.deadline.split("-").reverse().join("/")}</p>
      <p>Trạng thái: <strong data-testid="print-status">{p.statusLabel}</strong>{p.isDemo ? " — DỮ LIỆU MẪU (demo)" : ""}</p>
      <EntryGrid definition={v.template.definition} indicators={v.indicators} ethnicityNames={v.ethnicityNames} groups={v.groups} values={v.values} readOnly />
      <h2>Quá trình xử lý</h2>
      <table>
        <thead><tr><th>Thời gian</th><th>Người thực hiện</th><th>Từ</th><th>Sang</th><th>Lý do</th></tr></thead>
        <tbody>{p.transitions.map((t, i) => <tr key={i}><td>{t.at}</td><td>{t.actor}</td><td>{t.from}</td><td>{t.to}</td><td>{t.reason}</td></tr>)}</tbody>
      </table>
      <p className="print-date">……………, ngày …… tháng …… năm ……</p>
      <div className="signatures">
        <div><strong>NGƯỜI LẬP BIỂU</strong><div><em>(Ký, ghi rõ họ tên)</em></div></div>
        <div><strong>THỦ TRƯỞNG ĐƠN VỊ</strong><div><em>(Ký, đóng dấu, ghi rõ họ tên)</em></div></div>
      </div>
    </article>
  );
}
