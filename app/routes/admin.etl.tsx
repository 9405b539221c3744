import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireAdmin } from "../auth/guards.server.ts";
import { writeAudit } from "../audit/audit.server.ts";
import { CsrfField } from "../components/csrf.tsx";
import { formatDateTime, formatNumber } from "../i18n/format.ts";
import { useLang } from "../i18n/use-t.ts";
import { listRuns } from "../../etl/runs.ts";
import { queryFreshness } from "../../warehouse/query/freshness.ts";
import type { Freshness, WarehouseReader } from "../../warehouse/query/types.ts";

/** ETL runs (etl_runs) and the warehouse's freshness ("số liệu tính đến"), with run-now buttons. Admin listener only. */
export const meta: MetaFunction = () => [{ title: "Kho dữ liệu và ETL · Quản trị" }];

/** What the platform puts in services.etl (the EtlRunner of etl/runner.ts); typed structurally so the bundle never imports DuckDB. */
interface EtlRunnerLike {
  running: boolean;
  run(opts: { mode: "incremental" | "full"; trigger: "admin" }): Promise<{ runId: number; mode: string; factsWritten: number; factsRetracted: number; submissionsChanged: number; seconds: number }>;
}

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireAdmin(args);
  const { db, config } = auth.services;
  const warehouse = auth.services.warehouse as unknown as WarehouseReader | undefined;
  const etl = auth.services.etl as unknown as EtlRunnerLike | undefined;
  const runs = await listRuns(db, 50);
  let freshness: Freshness | null = null;
  let warehouseError: string | null = null;
  if (warehouse) {
    try {
      freshness = await queryFreshness(warehouse);
    } catch (e) {
      warehouseError = (e as Error).message;
    }
  } else warehouseError = "Máy chủ chưa mở kho dữ liệu (services.warehouse).";
  const lastOk = runs.find((r) => r.status === "succeeded") ?? null;
  return json({
    cron: config.ETL_CRON,
    afterApproval: config.ETL_AFTER_APPROVAL,
    scheduler: config.SCHEDULER,
    available: Boolean(etl),
    running: etl?.running ?? false,
    freshness,
    warehouseError,
    lastOkAt: lastOk?.finished_at ?? null,
    runs: runs.map((r) => ({
      id: r.id, mode: r.mode, trigger: r.trigger, status: r.status, startedAt: r.started_at, finishedAt: r.finished_at, durationMs: r.duration_ms,
      rowsRead: r.rows_read, factsWritten: r.facts_written, factsRetracted: r.facts_retracted, submissionsChanged: r.submissions_changed,
      checksPassed: r.checks_passed, checksFailed: r.checks_failed, error: r.error,
    })),
  });
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireAdmin(args);
  const etl = auth.services.etl as unknown as EtlRunnerLike | undefined;
  if (!etl) return json({ ok: false, message: "ETL chưa được khởi động trong máy chủ." }, { status: 503 });
  const form = await args.request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent !== "incremental" && intent !== "full") return json({ ok: false, message: "Yêu cầu không hợp lệ." }, { status: 400 });
  await writeAudit(auth.services.db, {
    actorUserId: auth.user.id, actorUsername: auth.user.username, unitId: auth.user.unitId,
    action: "etl.run_requested", targetType: "warehouse", targetId: intent, ip: (args.context as { clientIp?: string }).clientIp ?? null, details: { mode: intent },
  });
  try {
    const s = await etl.run({ mode: intent, trigger: "admin" });
    return json({
      ok: true,
      message: `Lượt #${s.runId} (${s.mode === "full" ? "toàn bộ" : "tăng dần"}) xong trong ${formatNumber(s.seconds)} giây: ${formatNumber(s.submissionsChanged)} phiếu thay đổi, ghi ${formatNumber(s.factsWritten)} dòng, rút ${formatNumber(s.factsRetracted)} dòng.`,
    });
  } catch (e) {
    const err = e as Error;
    const busy = err.name === "EtlBusyError";
    return json({ ok: false, message: busy ? `Một lượt ETL khác đang chạy, vui lòng thử lại sau. (${err.message})` : `ETL thất bại: ${err.message}` }, { status: busy ? 409 : 500 });
  }
}

const STATUS: Record<string, [string, string]> = { succeeded: ["Thành công", "badge-ok"], failed: ["Thất bại", "badge-bad"], running: ["Đang chạy", "badge-warn"] };
const TRIGGER: Record<string, string> = { cli: "Dòng lệnh", schedule: "Theo lịch", approval: "Sau phê duyệt", startup: "Khởi động", admin: "Quản trị", bench: "Đo hiệu năng", test: "Kiểm thử" };

export default function AdminEtl() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const lang = useLang();
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <h1>Kho dữ liệu và ETL</h1>
      {a ? <p className={`alert ${a.ok ? "alert-ok" : "alert-error"}`} role="status">{a.message}</p> : null}
      <div className="grid-2">
        <div className="panel">
          <h2>Độ mới của số liệu</h2>
          {d.freshness ? (
            <p data-testid="etl-freshness">
              Số liệu trong kho tính đến: <strong>{d.freshness.watermark ? formatDateTime(d.freshness.watermark, lang) : "chưa nạp"}</strong>
              <br />
              Lần nạp gần nhất: {d.freshness.loadedAt ? formatDateTime(d.freshness.loadedAt, lang) : "—"} ({d.freshness.mode === "full" ? "toàn bộ" : d.freshness.mode === "incremental" ? "tăng dần" : "—"}, lượt #{d.freshness.lastRunId ?? "—"})
              <br />
              Số dòng số liệu (facts): {formatNumber(d.freshness.facts, lang)}
            </p>
          ) : (
            <p className="alert alert-warn">{d.warehouseError}</p>
          )}
          <p className="muted">
            Chỉ số liệu của các biểu <strong>đã phê duyệt</strong> được nạp vào kho. Biểu bị trả lại hoặc mở lại sau khi duyệt sẽ được rút khỏi kho ở lượt kế tiếp.
          </p>
        </div>
        <div className="panel">
          <h2>Lịch chạy</h2>
          <p>
            Tăng dần theo lịch: <code>{d.cron}</code>
            {d.scheduler ? null : <> <span className="badge badge-warn">Bộ lập lịch đang tắt (SCHEDULER=false)</span></>}
            <br />
            Chạy ngay sau khi phê duyệt: {d.afterApproval ? "có (gộp các lần duyệt liên tiếp trong 3 giây)" : "không"}
            <br />
            Dòng lệnh: <code>npm run etl</code> · <code>npm run etl -- --full</code>
          </p>
          <div className="actions">
            <Form method="post">
              <CsrfField />
              <button type="submit" name="intent" value="incremental" disabled={busy || !d.available || d.running}>Chạy tăng dần ngay</button>
            </Form>
            <Form method="post">
              <CsrfField />
              <button type="submit" name="intent" value="full" className="secondary" disabled={busy || !d.available || d.running}>Nạp lại toàn bộ</button>
            </Form>
          </div>
          {d.running ? <p className="badge badge-warn">Một lượt ETL đang chạy…</p> : null}
        </div>
      </div>
      <h2>Lịch sử các lượt ETL</h2>
      <table>
        <thead>
          <tr>
            <th>#</th><th>Bắt đầu</th><th>Kiểu</th><th>Nguồn</th><th>Kết quả</th><th className="num">Giây</th><th className="num">Dòng đọc</th><th className="num">Ghi</th><th className="num">Rút</th><th className="num">Phiếu thay đổi</th><th>Kiểm tra</th><th>Lỗi</th>
          </tr>
        </thead>
        <tbody>
          {d.runs.map((r) => (
            <tr key={r.id}>
              <td>{r.id}</td>
              <td>{formatDateTime(r.startedAt, lang)}</td>
              <td>{r.mode === "full" ? "Toàn bộ" : "Tăng dần"}</td>
              <td>{TRIGGER[r.trigger] ?? r.trigger}</td>
              <td><span className={`badge ${STATUS[r.status]?.[1] ?? ""}`}>{STATUS[r.status]?.[0] ?? r.status}</span></td>
              <td className="num">{r.durationMs === null ? "" : formatNumber(r.durationMs / 1000, lang)}</td>
              <td className="num">{formatNumber(r.rowsRead, lang)}</td>
              <td className="num">{formatNumber(r.factsWritten, lang)}</td>
              <td className="num">{formatNumber(r.factsRetracted, lang)}</td>
              <td className="num">{formatNumber(r.submissionsChanged, lang)}</td>
              <td>{r.checksFailed > 0 ? <span className="badge badge-bad">{r.checksFailed} lỗi</span> : `${r.checksPassed} đạt`}</td>
              <td className="muted">{r.error ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {d.runs.length === 0 ? <p className="muted">Chưa có lượt ETL nào.</p> : null}
    </>
  );
}
