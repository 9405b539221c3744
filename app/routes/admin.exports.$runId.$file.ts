import fs from "node:fs/promises";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireAdmin } from "../auth/guards.server.ts";
import { exportFilePath } from "../api/export-jobs.server.ts";
import { EXPORT_FORMATS, type ExportFormat } from "../../dashboards/export/formats.ts";

/** Download a scheduled export's file (only files recorded for that run, only inside EXPORT_DIR). */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireAdmin(args);
  const runId = Number(args.params.runId);
  const name = args.params.file ?? "";
  if (!Number.isInteger(runId) || runId <= 0) throw new Response("Not Found", { status: 404 });
  const full = await exportFilePath(auth.services, runId, name);
  if (!full) throw new Response("Không có tệp này", { status: 404 });
  const bytes = await fs.readFile(full).catch(() => null);
  if (!bytes) throw new Response("Tệp đã bị xóa khỏi thư mục xuất", { status: 410 });
  const ext = name.split(".").pop() as ExportFormat;
  return new Response(bytes as unknown as BodyInit, {
    headers: {
      "Content-Type": EXPORT_FORMATS[ext]?.type ?? "application/octet-stream",
      "Content-Disposition": `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
      "Cache-Control": "no-store",
    },
  });
}
