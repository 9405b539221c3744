/** Download formats: file extension and content type. */
export const EXPORT_FORMATS = {
  csv: { ext: "csv", type: "text/csv; charset=utf-8", label: "CSV" },
  xlsx: { ext: "xlsx", type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", label: "Excel (XLSX)" },
  parquet: { ext: "parquet", type: "application/vnd.apache.parquet", label: "Parquet" },
  arrow: { ext: "arrow", type: "application/vnd.apache.arrow.file", label: "Arrow IPC" },
  pdf: { ext: "pdf", type: "application/pdf", label: "PDF" },
} as const;

export type ExportFormat = keyof typeof EXPORT_FORMATS;
export const TABLE_FORMATS = ["csv", "xlsx", "parquet", "arrow"] as const;

/** ASCII-safe file name plus RFC 5987 UTF-8 name for the Content-Disposition header. */
export function contentDisposition(baseName: string, format: ExportFormat): string {
  const ext = EXPORT_FORMATS[format].ext;
  const ascii = baseName.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^_+|_+$/g, "") || "export";
  return `attachment; filename="${ascii}.${ext}"; filename*=UTF-8''${encodeURIComponent(`${baseName}.${ext}`)}`;
}
