import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "../auth/guards.server.ts";
import { writeAudit } from "../audit/audit.server.ts";
import { getDashboard } from "../../dashboards/registry.ts";
import { visiblePanels, runPanel } from "../../dashboards/run.ts";
import { buildPeriodReport } from "../../dashboards/report.server.ts";
import { warehouseOf } from "../api/warehouse.server.ts";
import { prepareDashboard } from "../api/dashboard-page.server.ts";
import { periodReferenceDate } from "../api/periods.server.ts";
import { renderTableExport, renderReportExport, ExportRequestError, parseExportFormat } from "../api/export-response.server.ts";
import type { AppLoadContext } from "../platform/services.ts";

/**
 * Downloads: ?format=csv|xlsx|parquet|arrow&panel=<id> for one panel's
 * numbers; without a panel, the whole dashboard as a period report
 * (format=xlsx|pdf). Same filters and scope as the page.
 */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireRole(args, ["viewer", "analyst", "admin"]);
  const d = getDashboard(args.params.id ?? "");
  if (!d) throw new Response("Không có bảng điều khiển này", { status: 404 });
  const url = new URL(args.request.url);
  try {
    const format = parseExportFormat(url.searchParams.get("format"));
    const wh = warehouseOf(auth.services);
    const setup = await prepareDashboard(auth.services.db, wh, auth.scope, d, url);
    const panelId = url.searchParams.get("panel");
    const audit = (target: string) =>
      writeAudit(auth.services.db, {
        actorUserId: auth.user.id, actorUsername: auth.user.username, unitId: auth.user.unitId, action: "dashboard.export",
        targetType: "dashboard", targetId: target, ip: (args.context as unknown as AppLoadContext).clientIp,
        details: { format, period: setup.ctx.filters.period, unit: setup.unit.id },
      });
    if (panelId) {
      const panel = visiblePanels(d, setup.ctx).find((p) => p.id === panelId);
      if (!panel) throw new ExportRequestError(`Không có ô "${panelId.slice(0, 40)}" trên bảng điều khiển này`);
      const r = await runPanel(wh, auth.scope, panel, setup.ctx);
      if (r.error || !r.chart) throw new ExportRequestError(r.error ?? "Ô này không có số liệu");
      const table = { ...r.chart.table, notes: setup.ctx.period?.isDemo ? ["Dữ liệu mẫu"] : [] };
      await audit(`${d.id}/${panel.id}`);
      return renderTableExport(table, format, `${panel.title} - ${setup.unit.name} - ${setup.ctx.period?.label ?? ""}`);
    }
    const report = await buildPeriodReport(wh, auth.scope, d, setup.ctx, {
      unitName: setup.unit.name,
      referenceDate: setup.ctx.period ? await periodReferenceDate(auth.services.db, setup.ctx.period.code) : null,
      dataAsOf: setup.dataAsOf,
      generatedBy: `${auth.user.username} (${auth.user.unitName})`,
    });
    await audit(d.id);
    return renderReportExport(report, format, report.meta.title);
  } catch (e) {
    if (e instanceof ExportRequestError) return new Response(e.message, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    throw e;
  }
}
