import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireAdmin } from "../auth/guards.server.ts";
import { CsrfField } from "../components/csrf.tsx";
import { formatDateTime, formatNumber } from "../i18n/format.ts";
import { useLang } from "../i18n/use-t.ts";
import { runBackup } from "../ops/jobs.server.ts";
import { runRestoreTestInChild } from "../ops/child-job.server.ts";
import { recentRuns } from "../ops/runs.server.ts";
import { listBackups } from "../ops/store.server.ts";

/** Backups and restore tests: schedule, history, files on disk, and run-now buttons. */
export const meta: MetaFunction = () => [{ title: "Sao lưu và phục hồi · Quản trị" }];

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireAdmin(args);
  const { db, config } = auth.services;
  const [runs, files] = await Promise.all([recentRuns(db, 40), listBackups(config.BACKUP_DIR)]);
  return json({
    schedule: { backup: config.BACKUP_CRON, restoreTest: config.RESTORE_TEST_CRON, keep: config.BACKUP_KEEP, dir: config.BACKUP_DIR, scheduler: config.SCHEDULER },
    runs: runs.map((r) => ({
      id: r.id, kind: r.kind, status: r.status, startedAt: r.started_at, finishedAt: r.finished_at, backupName: r.backup_name,
      totalRows: r.total_rows, bytes: r.bytes, triggeredBy: r.triggered_by, error: r.error,
      failedTables: (r.details as { failedTables?: string[] }).failedTables ?? [],
      audit: (r.details as { audit?: { ok: boolean; checked: number } }).audit ?? null,
      warehouse: (r.details as { warehouse?: { ok?: boolean; skipped?: string } }).warehouse ?? null,
    })),
    files: files.map((f) => ({ name: f.name, createdAt: f.createdAt })),
  });
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireAdmin(args);
  const { db, config } = auth.services;
  const form = await args.request.formData();
  const intent = String(form.get("intent") ?? "");
  const busy = await db("backup_runs").where({ status: "running" }).where("started_at", ">", db.raw("now() - interval '30 minutes'")).first("id", "kind");
  if (busy) return json({ ok: false, message: "Đang có một lượt sao lưu/kiểm tra chạy. Vui lòng đợi nó xong." }, { status: 409 });
  const by = `admin:${auth.user.username}`;
  if (intent === "backup") {
    const r = await runBackup({ config, db }, { triggeredBy: by });
    return json({ ok: r.ok, message: r.ok ? `Đã sao lưu ${r.result!.name}: ${formatNumber(r.result!.rows)} dòng.` : `Sao lưu thất bại: ${r.error}` });
  }
  if (intent === "restore-test") {
    // in a child process: the warehouse rebuild needs the ETL modules outside the web bundle
    const r = await runRestoreTestInChild({ db, config }, { triggeredBy: by });
    return json({ ok: r.ok, message: r.ok ? `Kiểm tra khôi phục ${r.result?.backupName}: ĐẠT (${r.result?.tables?.length ?? 0} bảng khớp, chuỗi nhật ký hợp lệ, kho dữ liệu dựng lại khớp).` : `Kiểm tra khôi phục KHÔNG ĐẠT: ${r.error}` });
  }
  return json({ ok: false, message: "Yêu cầu không hợp lệ." }, { status: 400 });
}

const KIND: Record<string, string> = { backup: "Sao lưu", restore_test: "Kiểm tra khôi phục" };
const STATUS: Record<string, [string, string]> = { ok: ["Thành công", "badge-ok"], failed: ["Thất bại", "badge-bad"], running: ["Đang chạy", "badge-warn"] };

export default function AdminBackups() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const lang = useLang();
  const busy = useNavigation().state === "submitting";
  const lastOk = (k: string) => d.runs.find((r) => r.kind === k && r.status === "ok");
  const lb = lastOk("backup");
  const lr = lastOk("restore_test");
  return (
    <>
      <h1>Sao lưu và phục hồi</h1>
      {a ? <p className={`alert ${a.ok ? "alert-ok" : "alert-error"}`} role="status">{a.message}</p> : null}
      <div className="grid-2">
        <div className="panel">
          <h2>Lịch</h2>
          <p>
            Sao lưu: <code>{d.schedule.backup}</code> (giữ {d.schedule.keep} bản gần nhất, thư mục <code>{d.schedule.dir}</code>)
            <br />
            Kiểm tra khôi phục: <code>{d.schedule.restoreTest}</code>
            {d.schedule.scheduler ? null : <><br /><span className="badge badge-warn">Bộ lập lịch đang tắt (SCHEDULER=false)</span></>}
          </p>
          <p className="muted">
            Sao lưu gần nhất thành công: {lb ? formatDateTime(lb.startedAt, lang) : "chưa có"} · Kiểm tra khôi phục gần nhất đạt: {lr ? formatDateTime(lr.startedAt, lang) : "chưa có"}
          </p>
          <div className="actions">
            <Form method="post">
              <CsrfField />
              <button type="submit" name="intent" value="backup" disabled={busy}>Sao lưu ngay</button>
            </Form>
            <Form method="post">
              <CsrfField />
              <button type="submit" name="intent" value="restore-test" className="secondary" disabled={busy || !d.files.length}>Kiểm tra khôi phục bản mới nhất</button>
            </Form>
          </div>
        </div>
        <div className="panel">
          <h2>Bản sao lưu trên đĩa ({d.files.length})</h2>
          {d.files.length ? (
            <ul>
              {d.files.map((f) => (
                <li key={f.name}>
                  <code>{f.name}</code> · {formatDateTime(f.createdAt, lang)}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">Chưa có bản sao lưu nào.</p>
          )}
          <p className="muted">Khôi phục (vào một CSDL trống): <code>npm run restore -- &lt;tên bản&gt; --create &lt;tên CSDL mới&gt;</code></p>
        </div>
      </div>
      <h2>Lịch sử</h2>
      <table>
        <thead>
          <tr>
            <th>Lúc</th><th>Loại</th><th>Kết quả</th><th>Bản sao lưu</th><th className="num">Số dòng</th><th className="num">Dung lượng nén</th><th>Kiểm tra</th><th>Người/lịch chạy</th>
          </tr>
        </thead>
        <tbody>
          {d.runs.map((r) => (
            <tr key={r.id}>
              <td>{formatDateTime(r.startedAt, lang)}</td>
              <td>{KIND[r.kind] ?? r.kind}</td>
              <td>
                <span className={`badge ${STATUS[r.status]?.[1] ?? ""}`}>{STATUS[r.status]?.[0] ?? r.status}</span>
                {r.error ? <div className="field-error">{r.error}</div> : null}
              </td>
              <td>{r.backupName ? <code>{r.backupName}</code> : "—"}</td>
              <td className="num">{r.totalRows === null ? "" : formatNumber(r.totalRows, lang)}</td>
              <td className="num">{r.bytes === null || r.kind !== "backup" ? "" : `${formatNumber(r.bytes / 1024, lang, 0)} KB`}</td>
              <td>
                {r.kind === "restore_test" && r.status !== "running" ? (
                  <>
                    {r.failedTables.length ? `Bảng lệch: ${r.failedTables.join(", ")}` : "Số dòng và checksum khớp"}
                    {r.audit ? ` · nhật ký ${r.audit.ok ? "hợp lệ" : "HỎNG"} (${formatNumber(r.audit.checked, lang)})` : ""}
                    {r.warehouse ? ` · kho dữ liệu: ${r.warehouse.skipped ? "chưa kiểm tra" : r.warehouse.ok ? "khớp" : "LỆCH"}` : ""}
                  </>
                ) : null}
              </td>
              <td>{r.triggeredBy}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
