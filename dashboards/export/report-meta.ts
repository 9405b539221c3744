/** The header block of an official report (XLSX and PDF). */
export interface ReportMeta {
  title: string;
  organisation?: string; // "Ban Dân tộc tỉnh Cao Bằng"
  unitName?: string;
  periodLabel?: string;
  referenceDate?: string; // "số liệu tính đến" dd/mm/yyyy
  generatedAt: Date;
  dataAsOf?: string | null; // warehouse freshness
  isDemo?: boolean;
  generatedBy?: string;
}

export const DEMO_LABEL = "Dữ liệu mẫu";

function vnDateTime(d: Date): string {
  return new Intl.DateTimeFormat("vi-VN", { day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "Asia/Ho_Chi_Minh" }).format(d);
}

/** Label/value lines of the header, in the order officials expect. */
export function reportHeaderLines(m: ReportMeta): [string, string][] {
  const lines: [string, string][] = [];
  if (m.unitName) lines.push(["Đơn vị", m.unitName]);
  if (m.periodLabel) lines.push(["Kỳ báo cáo", m.periodLabel]);
  if (m.referenceDate) lines.push(["Số liệu tính đến ngày", m.referenceDate]);
  lines.push(["Thời điểm lập", vnDateTime(m.generatedAt)]);
  if (m.dataAsOf) lines.push(["Dữ liệu cập nhật đến", /^\d{4}-\d{2}-\d{2}T/.test(m.dataAsOf) ? vnDateTime(new Date(m.dataAsOf)) : m.dataAsOf]);
  if (m.generatedBy) lines.push(["Người lập", m.generatedBy]);
  if (m.isDemo) lines.push(["Lưu ý", `${DEMO_LABEL} — không dùng cho báo cáo chính thức`]);
  return lines;
}
