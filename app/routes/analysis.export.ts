import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "../auth/guards.server.ts";
import { writeAudit } from "../audit/audit.server.ts";
import { runPivot } from "../../dashboards/pivot/run.ts";
import { pivotToTable } from "../../dashboards/pivot/pivot.ts";
import { QueryError } from "../../warehouse/query/index.ts";
import { warehouseOf } from "../api/warehouse.server.ts";
import { readAnalysisState } from "../api/analysis-request.server.ts";
import { ExportRequestError, parseExportFormat, renderTableExport } from "../api/export-response.server.ts";
import type { AppLoadContext } from "../platform/services.ts";

/** The whole pivot (every page, subtotals labelled) as CSV, XLSX, Parquet or Arrow. */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireRole(args, "analyst");
  const url = new URL(args.request.url);
  const text = (m: string) => new Response(m, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  try {
    const format = parseExportFormat(url.searchParams.get("format"));
    const { state, issues } = readAnalysisState(url);
    if (!state) return text(issues.map((i) => `${i.param}: ${i.message}`).join("\n") || "Thiếu chỉ tiêu (indicators)");
    const p = await runPivot(warehouseOf(auth.services), auth.scope, state);
    await writeAudit(auth.services.db, {
      actorUserId: auth.user.id, actorUsername: auth.user.username, unitId: auth.user.unitId, action: "analysis.export",
      targetType: "analysis", targetId: null, ip: (args.context as unknown as AppLoadContext).clientIp, details: { format, cells: p.cellCount },
    });
    return renderTableExport(pivotToTable(p, "Phân tích chỉ tiêu"), format, `Phan tich ${state.params.indicators.join("_")}`);
  } catch (e) {
    if (e instanceof ExportRequestError || e instanceof QueryError) return text(e.message);
    throw e;
  }
}
