import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireAdmin } from "../auth/guards.server.ts";
import { CsrfField } from "../components/csrf.tsx";
import { formatDateTime, formatNumber } from "../i18n/format.ts";
import { useLang } from "../i18n/use-t.ts";
import { auditActions, parseAuditQuery, searchAudit } from "../audit/search.server.ts";
import { verifyAuditChain } from "../audit/verify.ts";
import { writeAudit } from "../audit/audit.server.ts";
import type { AppLoadContext } from "../platform/services.ts";

/** The audit trail: search by user, unit, action and time (paged), and a chain integrity check. */
export const meta: MetaFunction = () => [{ title: "Nhật ký hệ thống · Quản trị" }];

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireAdmin(args);
  const { db } = auth.services;
  const url = new URL(args.request.url);
  const { query, errors } = parseAuditQuery(url.searchParams);
  const [result, actions, units] = await Promise.all([
    searchAudit(db, auth.scope, query),
    auditActions(db),
    db("units").whereIn("tier", ["province", "department", "district"]).orderBy("path").select("id", "name", "tier"),
  ]);
  const params = Object.fromEntries([...url.searchParams.entries()].filter(([k, v]) => k !== "before" && v.trim() !== ""));
  return json({ query, errors, rows: result.rows, nextBefore: result.nextBefore, actions, units, params });
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireAdmin(args);
  const r = await verifyAuditChain(auth.services.db);
  await writeAudit(auth.services.db, {
    action: r.ok ? "audit.verified" : "audit.chain_broken",
    actorUserId: auth.user.id, actorUsername: auth.user.username, unitId: auth.user.unitId, ip: (args.context as unknown as AppLoadContext).clientIp,
    details: { checked: r.checked, firstBroken: r.firstBroken },
  });
  return json({ ok: r.ok, checked: r.checked, anchors: r.anchorsChecked, head: r.head?.id ?? null, firstBroken: r.firstBroken, ms: r.durationMs });
}

const PROBLEM: Record<string, string> = {
  hash_mismatch: "nội dung dòng bị sửa (mã băm không khớp)",
  prev_mismatch: "liên kết với dòng trước bị đứt (dòng bị xóa, chèn hoặc sửa)",
  anchor_missing: "dòng đã được ghi nhận khi sao lưu nay không còn (bị xóa)",
  anchor_mismatch: "dòng khác với lúc sao lưu",
};

export default function AdminAudit() {
  const d = useLoaderData<typeof loader>();
  const v = useActionData<typeof action>();
  const lang = useLang();
  const q = d.query;
  return (
    <>
      <h1>Nhật ký hệ thống</h1>
      <div className="panel">
        <Form method="post" className="actions" style={{ marginTop: 0 }}>
          <CsrfField />
          <button type="submit">Kiểm tra tính toàn vẹn của nhật ký</button>
          <span className="muted">Tính lại chuỗi băm SHA-256 từ dòng đầu tiên.</span>
        </Form>
        {v ? (
          v.ok ? (
            <p className="alert alert-ok" role="status">
              Chuỗi nhật ký hợp lệ: {formatNumber(v.checked, lang)} dòng, {v.anchors} mốc sao lưu, dòng mới nhất #{v.head} ({v.ms} ms).
            </p>
          ) : (
            <p className="alert alert-error" role="alert">
              CHUỖI NHẬT KÝ BỊ PHÁ VỠ tại dòng <Link to={`?before=${(v.firstBroken?.id ?? 0) + 1}&pageSize=5`}>#{v.firstBroken?.id}</Link>:{" "}
              {PROBLEM[v.firstBroken?.problem ?? ""] ?? v.firstBroken?.problem}. Báo ngay cho cán bộ an toàn thông tin.
            </p>
          )
        ) : null}
      </div>
      <Form method="get" className="panel filters">
        <div>
          <label htmlFor="user">Người thực hiện</label>
          <input id="user" name="user" type="search" defaultValue={q.user ?? ""} maxLength={100} />
        </div>
        <div>
          <label htmlFor="unitId">Đơn vị (cả đơn vị cấp dưới)</label>
          <select id="unitId" name="unitId" defaultValue={q.unitId ?? ""}>
            <option value="">— tất cả —</option>
            {d.units.map((u) => (
              <option key={u.id} value={u.id}>{u.tier === "district" ? `  ${u.name}` : u.name}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="action">Thao tác</label>
          <input id="action" name="action" list="audit-actions" defaultValue={q.action ?? ""} maxLength={100} />
          <datalist id="audit-actions">
            {d.actions.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </div>
        <div>
          <label htmlFor="from">Từ ngày</label>
          <input id="from" name="from" type="date" defaultValue={q.from ?? ""} />
        </div>
        <div>
          <label htmlFor="to">Đến ngày</label>
          <input id="to" name="to" type="date" defaultValue={q.to ?? ""} />
        </div>
        <div>
          <button type="submit">Tìm</button>
        </div>
      </Form>
      {d.errors.length ? <p className="alert alert-warn">Bỏ qua điều kiện không hợp lệ: {d.errors.join(", ")}</p> : null}
      <table>
        <thead>
          <tr>
            <th>#</th><th>Thời điểm</th><th>Người thực hiện</th><th>Đơn vị</th><th>Thao tác</th><th>Đối tượng</th><th>IP</th><th>Chi tiết</th>
          </tr>
        </thead>
        <tbody>
          {d.rows.map((r) => (
            <tr key={r.id}>
              <td className="num">{r.id}</td>
              <td>{formatDateTime(r.at, lang)}</td>
              <td>{r.actorUsername ?? "—"}</td>
              <td>{r.unitName ?? ""}</td>
              <td><code>{r.action}</code></td>
              <td>{r.targetType ? `${r.targetType} ${r.targetId ?? ""}` : ""}</td>
              <td>{r.ip ?? ""}</td>
              <td><code style={{ whiteSpace: "pre-wrap", wordBreak: "break-all", fontSize: ".8rem" }}>{JSON.stringify(r.details)}</code></td>
            </tr>
          ))}
          {d.rows.length === 0 ? (
            <tr><td colSpan={8} className="muted">Không có dòng nào khớp điều kiện.</td></tr>
          ) : null}
        </tbody>
      </table>
      <div className="pager">
        {d.nextBefore ? <Link to={`?${new URLSearchParams({ ...d.params, before: String(d.nextBefore) })}`}>Trang tiếp (cũ hơn) →</Link> : null}
        {q.before ? <Link to={`?${new URLSearchParams(d.params)}`}>← Mới nhất</Link> : null}
      </div>
    </>
  );
}
