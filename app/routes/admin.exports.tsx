import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireAdmin } from "../auth/guards.server.ts";
import { writeAudit } from "../audit/audit.server.ts";
import { CsrfField } from "../components/csrf.tsx";
import { formatDateTime } from "../i18n/format.ts";
import { useLang } from "../i18n/use-t.ts";
import { runExport } from "../api/export-jobs.server.ts";
import { validateCron } from "../api/export-due.ts";
import type { AppLoadContext } from "../platform/services.ts";

export const meta: MetaFunction = () => [{ title: "Xuất báo cáo định kỳ · Quản trị" }];

const PERIOD_TYPES: Record<string, string> = { year: "Năm", half: "6 tháng", quarter: "Quý", month: "Tháng" };
const STATUS: Record<string, string> = { running: "Đang chạy", succeeded: "Thành công", failed: "Thất bại" };

/**
 * Admin: scheduled report exports (XLSX/PDF of the unit's period report for
 * the latest locked period), their run history with download links, failed
 * runs shown as failed and retried automatically.
 */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireAdmin(args);
  const { db } = auth.services;
  const schedules = await db("export_schedules as s").join("units as u", "u.id", "s.unit_id").orderBy("s.id").select("s.*", "u.name as unit_name");
  const runs = await db("export_runs as r")
    .leftJoin("export_schedules as s", "s.id", "r.schedule_id")
    .orderBy("r.id", "desc")
    .limit(100)
    .select("r.id", "r.status", "r.attempt", "r.period_code", "r.started_at", "r.finished_at", "r.error", "r.files", "r.next_retry_at", "s.name as schedule_name", "s.max_attempts");
  const units = await db("units").whereIn("tier", ["province", "department", "district"]).whereNull("valid_to").orderBy("path").select("id", "name");
  return json({ schedules, runs, units, exportDir: auth.services.config.EXPORT_DIR });
}

const createSchema = z.object({
  intent: z.literal("create"),
  name: z.string().trim().min(3, "Tên lịch ít nhất 3 ký tự").max(120),
  unitId: z.coerce.number().int().positive(),
  periodType: z.enum(["year", "half", "quarter", "month"]),
  cron: z.string().trim().min(9, "Biểu thức cron 5 trường, ví dụ 0 6 * * 1").max(100),
  formats: z.array(z.enum(["xlsx", "pdf"])).min(1, "Chọn ít nhất một định dạng"),
});
const idSchema = z.object({ intent: z.enum(["run", "toggle"]), id: z.coerce.number().int().positive() });

export async function action(args: ActionFunctionArgs) {
  const auth = await requireAdmin(args);
  const { db } = auth.services;
  const ip = (args.context as unknown as AppLoadContext).clientIp;
  const fd = await args.request.formData();
  const intent = fd.get("intent");
  const audit = (action: string, targetId: number, details: Record<string, unknown> = {}) =>
    writeAudit(db, { actorUserId: auth.user.id, actorUsername: auth.user.username, unitId: auth.user.unitId, action, targetType: "export_schedule", targetId, ip, details });
  if (intent === "create") {
    const r = createSchema.safeParse({ ...Object.fromEntries(fd), formats: fd.getAll("formats") });
    if (!r.success) return json({ error: r.error.issues.map((i) => i.message).join("; "), ok: null }, { status: 400 });
    const cronError = validateCron(r.data.cron);
    if (cronError) return json({ error: `Biểu thức cron không hợp lệ: ${cronError}`, ok: null }, { status: 400 });
    const [row] = await db("export_schedules")
      .insert({ name: r.data.name, unit_id: r.data.unitId, period_type: r.data.periodType, formats: r.data.formats, cron: r.data.cron, created_by: auth.user.id })
      .returning("id");
    await audit("export.schedule_created", row.id, { cron: r.data.cron });
    return json({ error: null, ok: `Đã tạo lịch “${r.data.name}”.` });
  }
  const r = idSchema.safeParse(Object.fromEntries(fd));
  if (!r.success) return json({ error: "Yêu cầu không hợp lệ", ok: null }, { status: 400 });
  if (r.data.intent === "toggle") {
    const s = await db("export_schedules").where({ id: r.data.id }).first("enabled");
    if (!s) return json({ error: "Không có lịch này", ok: null }, { status: 404 });
    await db("export_schedules").where({ id: r.data.id }).update({ enabled: !s.enabled, updated_at: db.fn.now() });
    await audit(s.enabled ? "export.schedule_disabled" : "export.schedule_enabled", r.data.id);
    return json({ error: null, ok: s.enabled ? "Đã tạm dừng lịch." : "Đã bật lại lịch." });
  }
  await audit("export.run_requested", r.data.id);
  const out = await runExport(auth.services, r.data.id, { requestedBy: auth.user.id });
  return out.status === "succeeded" ? json({ error: null, ok: `Đã xuất xong (lần chạy #${out.runId}).` }) : json({ error: `Lần chạy #${out.runId} thất bại: ${out.error}`, ok: null });
}

export default function AdminExports() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const lang = useLang();
  return (
    <>
      <h1>Xuất báo cáo định kỳ</h1>
      <p className="muted">
        Mỗi lần chạy lập báo cáo kỳ (Excel, PDF) của đơn vị cho kỳ gần nhất đã khóa sổ và đã nạp vào kho dữ liệu. Tệp lưu tại <code>{d.exportDir}</code>. Lần chạy lỗi được thử lại tự động (5, 15, 45 phút…).
      </p>
      {a?.error ? <p className="alert alert-error" role="alert">{a.error}</p> : null}
      {a?.ok ? <p className="alert alert-ok" role="status">{a.ok}</p> : null}
      <h2>Lịch xuất</h2>
      <table>
        <thead>
          <tr><th>Tên</th><th>Đơn vị</th><th>Loại kỳ</th><th>Định dạng</th><th>Lịch (cron)</th><th>Trạng thái</th><th /></tr>
        </thead>
        <tbody>
          {d.schedules.map((s) => (
            <tr key={s.id}>
              <td>{s.name}</td>
              <td>{s.unit_name}</td>
              <td>{PERIOD_TYPES[s.period_type] ?? s.period_type}</td>
              <td>{(s.formats as string[]).join(", ").toUpperCase()}</td>
              <td><code>{s.cron}</code></td>
              <td>{s.enabled ? <span className="badge badge-ok">Đang bật</span> : <span className="badge">Tạm dừng</span>}</td>
              <td className="actions">
                <Form method="post" style={{ display: "inline" }}>
                  <CsrfField />
                  <input type="hidden" name="id" value={s.id} />
                  <button type="submit" name="intent" value="run">Chạy ngay</button>{" "}
                  <button type="submit" name="intent" value="toggle" className="secondary">{s.enabled ? "Tạm dừng" : "Bật lại"}</button>
                </Form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Form method="post" className="panel filters">
        <CsrfField />
        <input type="hidden" name="intent" value="create" />
        <div style={{ flex: 2 }}>
          <label htmlFor="e-name">Tên lịch</label>
          <input id="e-name" name="name" required minLength={3} placeholder="Báo cáo năm toàn tỉnh" />
        </div>
        <div style={{ flex: 2 }}>
          <label htmlFor="e-unit">Đơn vị</label>
          <select id="e-unit" name="unitId">{d.units.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}</select>
        </div>
        <div>
          <label htmlFor="e-type">Loại kỳ</label>
          <select id="e-type" name="periodType">{Object.entries(PERIOD_TYPES).map(([k, v]) => <option key={k} value={k}>{v}</option>)}</select>
        </div>
        <div>
          <label htmlFor="e-cron">Lịch (cron)</label>
          <input id="e-cron" name="cron" required defaultValue="0 6 1 * *" title="phút giờ ngày tháng thứ" />
        </div>
        <div>
          <label>Định dạng</label>
          <label><input type="checkbox" name="formats" value="xlsx" defaultChecked /> Excel</label>
          <label><input type="checkbox" name="formats" value="pdf" defaultChecked /> PDF</label>
        </div>
        <div><button type="submit">Tạo lịch</button></div>
      </Form>
      <h2>Lịch sử xuất</h2>
      <table data-testid="export-runs">
        <thead>
          <tr><th>#</th><th>Lịch</th><th>Kỳ</th><th>Bắt đầu</th><th>Kết thúc</th><th>Lần thử</th><th>Kết quả</th><th>Tệp</th></tr>
        </thead>
        <tbody>
          {d.runs.map((r) => (
            <tr key={r.id} className={r.status === "failed" ? "failed" : undefined}>
              <td>{r.id}</td>
              <td>{r.schedule_name ?? "—"}</td>
              <td>{r.period_code ?? "—"}</td>
              <td>{formatDateTime(r.started_at, lang)}</td>
              <td>{r.finished_at ? formatDateTime(r.finished_at, lang) : "—"}</td>
              <td>{r.attempt}/{r.max_attempts ?? "?"}</td>
              <td>
                <span className={`badge ${r.status === "succeeded" ? "badge-ok" : ""}`}>{STATUS[r.status] ?? r.status}</span>
                {r.error ? <div className="field-error">{r.error}</div> : null}
                {r.next_retry_at ? <div className="muted">Thử lại lúc {formatDateTime(r.next_retry_at, lang)}</div> : null}
              </td>
              <td>
                {(r.files as { name: string; format: string; bytes: number }[]).map((f) => (
                  <div key={f.name}>
                    <a href={`/admin/exports/${r.id}/${encodeURIComponent(f.name)}`} download>{f.format.toUpperCase()}</a> <span className="muted">({Math.ceil(f.bytes / 1024)} KB)</span>
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
