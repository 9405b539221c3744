import type { DataTable } from "../../dashboards/table.ts";
import { csvBuffer } from "../../dashboards/export/csv.ts";
import { tablesToXlsx } from "../../dashboards/export/xlsx.server.ts";
import { tableToParquet } from "../../dashboards/export/parquet.server.ts";
import { tableToArrowIpc } from "../../dashboards/export/arrow.ts";
import { contentDisposition, EXPORT_FORMATS, type ExportFormat } from "../../dashboards/export/formats.ts";
import type { PeriodReport } from "../../dashboards/report.server.ts";
import { reportToPdf } from "../../dashboards/export/pdf.server.ts";
import { reportToXlsx } from "../../dashboards/export/xlsx-report.server.ts";

/** Turning tables and reports into download responses (dashboards, analysis, API). */
export class ExportRequestError extends Error {
  override name = "ExportRequestError";
}

export function parseExportFormat(v: string | null): ExportFormat {
  if (v && v in EXPORT_FORMATS) return v as ExportFormat;
  throw new ExportRequestError(`Định dạng không hỗ trợ: "${String(v).slice(0, 20)}". Chọn một trong: ${Object.keys(EXPORT_FORMATS).join(", ")}`);
}

export async function tableBytes(table: DataTable, format: ExportFormat): Promise<Buffer | Uint8Array> {
  switch (format) {
    case "csv":
      return csvBuffer(table);
    case "xlsx":
      return tablesToXlsx([table]);
    case "parquet":
      return tableToParquet(table);
    case "arrow":
      return tableToArrowIpc(table);
    case "pdf":
      throw new ExportRequestError("PDF chỉ có cho báo cáo cả kỳ (không chọn ô) / PDF is for whole reports");
  }
}

export function fileResponse(bytes: Buffer | Uint8Array, format: ExportFormat, baseName: string): Response {
  return new Response(bytes as unknown as BodyInit, {
    headers: {
      "Content-Type": EXPORT_FORMATS[format].type,
      "Content-Disposition": contentDisposition(baseName, format),
      "Content-Length": String(bytes.byteLength),
      "Cache-Control": "no-store",
    },
  });
}

export async function renderTableExport(table: DataTable, format: ExportFormat, baseName: string): Promise<Response> {
  return fileResponse(await tableBytes(table, format), format, baseName);
}

export async function reportBytes(report: PeriodReport, format: ExportFormat): Promise<Buffer> {
  if (format === "xlsx") return reportToXlsx(report); // tables + chart images
  if (format === "pdf") return reportToPdf(report);
  throw new ExportRequestError("Báo cáo cả kỳ có dạng xlsx hoặc pdf; chọn một ô để tải csv, parquet, arrow");
}

export async function renderReportExport(report: PeriodReport, format: ExportFormat, baseName: string): Promise<Response> {
  return fileResponse(await reportBytes(report, format), format, baseName);
}
