import ExcelJS from "exceljs";
import type { Column, DataTable } from "../table.ts";
import { reportHeaderLines, type ReportMeta } from "./report-meta.ts";

/**
 * XLSX: one sheet per table, Vietnamese headers, numbers stored as numbers
 * with a display format (Excel shows them in the reader's locale), a frozen
 * header row and an autofilter. With a ReportMeta the sheet opens with the
 * official header block (unit, period, reference date, generated at, as-of).
 */
function numFmt(c: Column): string | undefined {
  if (c.type === "integer") return "#,##0";
  if (c.type === "number") {
    const d = c.digits ?? 2;
    return d > 0 ? `#,##0.${"0".repeat(d)}` : "#,##0";
  }
  return undefined;
}

function sheetName(s: string, used: Set<string>): string {
  let base = s.replace(/[\\/?*[\]:]/g, " ").trim().slice(0, 28) || "Bảng";
  let name = base;
  for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base.slice(0, 26)} ${i}`;
  used.add(name.toLowerCase());
  return name;
}

export function addTableSheet(wb: ExcelJS.Workbook, t: DataTable, meta: ReportMeta | null, used: Set<string>): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(sheetName(t.title ?? meta?.title ?? "Bảng", used));
  const width = Math.max(t.columns.length, 2);
  let r = 1;
  if (meta) {
    if (meta.organisation) {
      ws.getCell(r, 1).value = meta.organisation.toUpperCase();
      ws.getCell(r, 1).font = { bold: true };
      r++;
    }
    ws.mergeCells(r, 1, r, width);
    ws.getCell(r, 1).value = t.title ?? meta.title;
    ws.getCell(r, 1).font = { bold: true, size: 14 };
    ws.getCell(r, 1).alignment = { horizontal: "center" };
    r++;
    for (const [k, v] of reportHeaderLines(meta)) {
      ws.getCell(r, 1).value = k;
      ws.getCell(r, 1).font = { italic: true };
      ws.getCell(r, 2).value = v;
      if (k === "Lưu ý") ws.getCell(r, 2).font = { bold: true, color: { argb: "FFC00000" } };
      r++;
    }
    r++;
  } else if (t.title) {
    ws.getCell(r, 1).value = t.title;
    ws.getCell(r, 1).font = { bold: true, size: 13 };
    r += 2;
  }
  const headerRow = r;
  t.columns.forEach((c, i) => {
    const cell = ws.getCell(headerRow, i + 1);
    cell.value = c.unit ? `${c.label} (${c.unit})` : c.label;
    cell.font = { bold: true };
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFDCE6F1" } };
    cell.alignment = { wrapText: true, vertical: "middle", horizontal: "center" };
    cell.border = { top: { style: "thin" }, bottom: { style: "thin" }, left: { style: "thin" }, right: { style: "thin" } };
  });
  for (const row of t.rows) {
    r++;
    t.columns.forEach((c, i) => {
      const cell = ws.getCell(r, i + 1);
      const v = row[c.key];
      cell.value = v === undefined ? null : v;
      const f = numFmt(c);
      if (f) cell.numFmt = f;
      cell.border = { top: { style: "hair" }, bottom: { style: "hair" }, left: { style: "thin" }, right: { style: "thin" } };
    });
  }
  t.columns.forEach((c, i) => {
    const longest = Math.max(String(c.label).length + (c.unit ? c.unit.length + 3 : 0), ...t.rows.slice(0, 500).map((row) => String(row[c.key] ?? "").length));
    ws.getColumn(i + 1).width = Math.min(Math.max(10, longest + 2), c.type === "string" ? 45 : 18);
  });
  ws.views = [{ state: "frozen", ySplit: headerRow, xSplit: 0 }];
  if (t.rows.length) ws.autoFilter = { from: { row: headerRow, column: 1 }, to: { row: headerRow, column: t.columns.length } };
  for (const note of t.notes ?? []) {
    r += 1;
    ws.getCell(r + 1, 1).value = note;
    ws.getCell(r + 1, 1).font = { italic: true, size: 9 };
  }
  return ws;
}

export async function tablesToXlsx(tables: DataTable[], meta: ReportMeta | null = null): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "CSDL Dân tộc";
  wb.created = meta?.generatedAt ?? new Date();
  const used = new Set<string>();
  for (const t of tables) addTableSheet(wb, t, meta, used);
  if (!tables.length) wb.addWorksheet("Trống");
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The row where the header sits for a given meta (tests and readers use it). */
export function xlsxHeaderRow(meta: ReportMeta | null, title?: string): number {
  if (!meta) return title ? 3 : 1;
  return (meta.organisation ? 1 : 0) + 1 + reportHeaderLines(meta).length + 2;
}
