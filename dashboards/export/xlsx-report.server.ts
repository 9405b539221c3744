import ExcelJS from "exceljs";
import type { PeriodReport } from "../report.server.ts";
import { addTableSheet, xlsxHeaderRow } from "./xlsx.server.ts";
import { svgToPng } from "./svg-png.server.ts";

/**
 * The period report as XLSX: one sheet per panel with the official header
 * block and the panel's table (numbers as numbers, see xlsx.server.ts), and
 * the panel's chart as a PNG image to the right of the table, its top edge on
 * the first data row (the header rows stay where readers expect them, see
 * xlsxHeaderRow). The PNG is the server-rendered ECharts SVG rasterised at 2×
 * and shown at the SVG's own size. A chart that cannot be rasterised is left
 * out with a note in its place; the table is always there.
 */
export const CHART_SCALE = 2;

export async function reportToXlsx(report: PeriodReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "CSDL Dân tộc";
  wb.created = report.meta.generatedAt;
  const used = new Set<string>();
  for (const s of report.sections) {
    const ws = addTableSheet(wb, s.table, report.meta, used);
    if (s.error) {
      const r = ws.rowCount + 2;
      ws.getCell(r, 1).value = `Không tải được: ${s.error}`;
      ws.getCell(r, 1).font = { italic: true, color: { argb: "FFC00000" } };
    }
    if (!s.svg) continue;
    const headerRow = xlsxHeaderRow(report.meta);
    const col = Math.max(s.table.columns.length, 2) + 1; // one empty column after the table (0-based anchor)
    const png = svgToPng(s.svg, CHART_SCALE);
    ws.getCell(headerRow, col + 1).value = png ? `Biểu đồ: ${s.title}` : "(không vẽ được biểu đồ; xem bảng số liệu)";
    ws.getCell(headerRow, col + 1).font = { bold: true };
    if (!png) continue;
    const imageId = wb.addImage({ buffer: png.png as unknown as ExcelJS.Buffer, extension: "png" });
    ws.addImage(imageId, {
      tl: { col, row: headerRow }, // 0-based: the first data row
      ext: { width: Math.round(png.width / CHART_SCALE), height: Math.round(png.height / CHART_SCALE) },
      editAs: "oneCell",
    });
  }
  if (!report.sections.length) wb.addWorksheet("Trống");
  return Buffer.from(await wb.xlsx.writeBuffer());
}
