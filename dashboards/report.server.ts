import type { Scope, WarehouseReader } from "../warehouse/query/types.ts";
import type { Dashboard } from "./definition.ts";
import type { DashboardContext } from "./context.ts";
import { runDashboard } from "./run.ts";
import { renderSvg } from "./charts/render-svg.server.ts";
import type { DataTable } from "./table.ts";
import { DEMO_LABEL, type ReportMeta } from "./export/report-meta.ts";

/**
 * A period report: every panel of a dashboard for one unit and period, as
 * tables (XLSX sheets / PDF tables) and charts (SVG: vectors in the PDF, PNG
 * pictures in the XLSX), with the official header (unit, period, reference
 * date, generated at, data as-of).
 */
export interface PeriodReport {
  meta: ReportMeta;
  sections: { title: string; table: DataTable; svg: string | null; error: string | null }[];
}

export async function buildPeriodReport(
  wh: WarehouseReader,
  scope: Scope,
  d: Dashboard,
  ctx: DashboardContext,
  info: { unitName: string; referenceDate?: string | null; dataAsOf?: string | null; generatedBy?: string; organisation?: string },
): Promise<PeriodReport> {
  const panels = await runDashboard(wh, scope, d, ctx, "vi");
  const isDemo = ctx.period?.isDemo ?? false;
  const meta: ReportMeta = {
    title: `${d.title} — ${info.unitName}${ctx.period ? ` — ${ctx.period.label}` : ""}`,
    organisation: info.organisation ?? "Ban Dân tộc tỉnh Cao Bằng",
    unitName: info.unitName,
    periodLabel: ctx.period?.label,
    referenceDate: info.referenceDate ?? undefined,
    generatedAt: new Date(),
    dataAsOf: info.dataAsOf ?? null,
    isDemo,
    generatedBy: info.generatedBy,
  };
  const sections = panels.map((p) => {
    const table: DataTable = p.chart?.table ?? { columns: [{ key: "note", label: "Ghi chú", type: "string" }], rows: [] };
    table.title = p.title;
    table.notes = [...(table.notes ?? []), ...(isDemo ? [`${DEMO_LABEL} — không dùng cho báo cáo chính thức`] : [])];
    return { title: p.title, table, svg: p.chart ? renderSvg(p.chart, { width: 720, height: Math.min(p.height, 420) }) : null, error: p.error };
  });
  return { meta, sections };
}
