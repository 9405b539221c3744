import ExcelJS from "exceljs";
import { bulkLayout, lineCells, type BulkError, type Location } from "./bulk.ts";
import { cellKey } from "./cells.ts";
import type { TemplateDefinition } from "./template.ts";
import type { RawEntry } from "./entry.ts";

/**
 * XLSX bulk entry with exceljs. The download has one sheet per section of
 * the form, pre-filled with the unit's current values, plus a "_meta" sheet
 * naming the submission and the version it was taken from. Reading it back
 * checks the file is for this submission and returns every typed cell with
 * its (sheet, cell) address; nothing is applied here.
 */
export const MAX_XLSX_BYTES = 5 * 1024 * 1024;
/** A form's workbook unpacks to well under a few MB; refuse zip bombs before parsing. */
export const MAX_XLSX_UNPACKED_BYTES = 60 * 1024 * 1024;
const META_SHEET = "_meta";
const COLS = { code: 1, label: 2, unit: 3, ethCode: 4, eth: 5, T: 6, M: 7, F: 8 } as const;
const FIRST_LINE = 6;

export interface WorkbookMeta {
  submissionId: number;
  formCode: string;
  templateId: number;
  version: number;
  unitName: string;
  periodLabel: string;
  referenceDate: string;
  title_vi: string;
}

interface LayoutInput {
  definition: TemplateDefinition;
  indicators: ReadonlyMap<string, { name_vi: string; unit_vi?: string; value_type?: string }>;
  ethnicities: readonly { code: string; name_vi: string }[];
}

function sheetName(i: number, title: string): string {
  return `${i + 1}. ${title.replace(/^[IVX]+\.\s*/, "")}`.replace(/[\\/?*[\]:]/g, " ").slice(0, 31);
}

export async function buildWorkbook(input: LayoutInput & { values: ReadonlyMap<string, number | null>; meta: WorkbookMeta }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "CSDL Dân tộc";
  wb.created = new Date();
  const layout = bulkLayout(input.definition, input.indicators, input.ethnicities);
  layout.forEach((section, si) => {
    const ws = wb.addWorksheet(sheetName(si, section.title_vi), { views: [{ state: "frozen", ySplit: FIRST_LINE - 1 }] });
    ws.getCell("A1").value = input.meta.title_vi;
    ws.getCell("A1").font = { bold: true, size: 13 };
    ws.getCell("A2").value = `Đơn vị: ${input.meta.unitName} — Kỳ: ${input.meta.periodLabel} — Số liệu tính đến: ${input.meta.referenceDate.split("-").reverse().join("/")}`;
    ws.getCell("A3").value = `${section.title_vi}. Nhập số vào các ô màu vàng (cột Tổng, hoặc Nam/Nữ). Để trống ô không có số liệu. Không đổi cột A và D.`;
    const header = ws.getRow(FIRST_LINE - 1);
    header.values = ["Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Mã DT", "Dân tộc", "Tổng", "Nam", "Nữ"];
    header.font = { bold: true };
    ws.columns = [{ width: 22 }, { width: 48 }, { width: 12 }, { width: 8 }, { width: 24 }, { width: 14 }, { width: 14 }, { width: 14 }];
    section.lines.forEach((l, li) => {
      const row = ws.getRow(FIRST_LINE + li);
      row.getCell(COLS.code).value = l.indicator;
      row.getCell(COLS.label).value = l.label_vi;
      row.getCell(COLS.unit).value = l.unit_vi;
      row.getCell(COLS.ethCode).value = l.ethnicity;
      row.getCell(COLS.eth).value = l.ethnicity_vi;
      if (l.ethnicity === "00") row.font = { bold: true };
      const integer = input.indicators.get(l.indicator)?.value_type !== "decimal";
      for (const c of lineCells(l)) {
        const cell = row.getCell(COLS[c.sex]);
        const v = input.values.get(cellKey(c));
        cell.value = v ?? null;
        cell.numFmt = integer ? "#,##0" : "#,##0.####";
        cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFFFF2CC" } };
        // Excel itself refuses letters, negatives and (for counts) decimals as they are typed
        cell.dataValidation = {
          type: integer ? "whole" : "decimal",
          operator: "greaterThanOrEqual",
          formulae: [0],
          allowBlank: true,
          showErrorMessage: true,
          errorTitle: "Giá trị không hợp lệ",
          error: integer ? "Nhập số nguyên không âm" : "Nhập số không âm",
        };
      }
      if (l.sexes.includes("M")) {
        // T = M + F, shown (not read back)
        const m = input.values.get(cellKey({ indicator: l.indicator, ethnicity: l.ethnicity, sex: "M" }));
        const f = input.values.get(cellKey({ indicator: l.indicator, ethnicity: l.ethnicity, sex: "F" }));
        const r = row.number;
        row.getCell(COLS.T).value = { formula: `IF(AND(G${r}="",H${r}=""),"",N(G${r})+N(H${r}))`, result: m == null && f == null ? "" : (m ?? 0) + (f ?? 0) };
        row.getCell(COLS.T).numFmt = "#,##0.####";
      }
    });
  });
  const meta = wb.addWorksheet(META_SHEET, { state: "veryHidden" });
  meta.addRow(["submission_id", input.meta.submissionId]);
  meta.addRow(["form_code", input.meta.formCode]);
  meta.addRow(["template_id", input.meta.templateId]);
  meta.addRow(["version", input.meta.version]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export type ReadResult =
  | { ok: true; raw: RawEntry; where: Map<string, Location>; version: number | null }
  | { ok: false; errors: BulkError[] };

const fileError = (vi: string, en: string): ReadResult => ({ ok: false, errors: [{ sheet: "", cell: "", vi, en }] });

/** Read a filled workbook back for this submission. */
export async function readWorkbook(buf: Buffer | ArrayBuffer, input: LayoutInput & { submissionId: number; formCode: string; templateId: number }): Promise<ReadResult> {
  if (buf.byteLength > MAX_XLSX_BYTES) return fileError(`Tệp quá lớn (tối đa ${MAX_XLSX_BYTES / 1024 / 1024} MB)`, "File too large");
  const bytes = Buffer.isBuffer(buf) ? buf : Buffer.from(buf);
  const unpacked = zipUncompressedSize(bytes);
  if (unpacked === null) return fileError("Không đọc được tệp: không phải tệp Excel (.xlsx) hợp lệ", "Cannot read the file: not a valid .xlsx workbook");
  if (unpacked > MAX_XLSX_UNPACKED_BYTES) return fileError("Tệp Excel quá lớn khi giải nén (có thể là tệp độc hại)", "The workbook expands too much when unpacked");
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as ArrayBuffer);
  } catch {
    return fileError("Không đọc được tệp: không phải tệp Excel (.xlsx) hợp lệ", "Cannot read the file: not a valid .xlsx workbook");
  }
  const meta = wb.getWorksheet(META_SHEET);
  const metaOf = (k: string) => meta?.getRows(1, 10)?.find((r) => r.getCell(1).value === k)?.getCell(2).value;
  if (!meta || metaOf("form_code") !== input.formCode || Number(metaOf("template_id")) !== input.templateId || Number(metaOf("submission_id")) !== input.submissionId)
    return fileError("Tệp không phải mẫu Excel tải về từ biểu này (sai biểu, sai phiên bản hoặc sai đơn vị/kỳ). Hãy tải mẫu Excel của chính biểu này.", "This file is not the Excel template of this submission; download this form's template");
  const layout = bulkLayout(input.definition, input.indicators, input.ethnicities);
  const raw: RawEntry = {};
  const where = new Map<string, Location>();
  const errors: BulkError[] = [];
  layout.forEach((section, si) => {
    const name = sheetName(si, section.title_vi);
    const ws = wb.getWorksheet(name);
    if (!ws) {
      errors.push({ sheet: name, cell: "", vi: "Thiếu trang tính này trong tệp", en: "Sheet missing" });
      return;
    }
    // lines are found by their codes (A, D), so re-sorted rows still read right
    const expected = new Map(section.lines.map((l) => [`${l.indicator}|${l.ethnicity}`, l]));
    ws.eachRow((row, rowNumber) => {
      if (rowNumber < FIRST_LINE) return;
      const code = String(row.getCell(COLS.code).value ?? "").trim();
      const eth = String(row.getCell(COLS.ethCode).value ?? "").trim().padStart(2, "0");
      if (!code) return;
      const line = expected.get(`${code}|${eth}`);
      if (!line) {
        errors.push({ sheet: name, cell: `A${rowNumber}`, vi: `Dòng không thuộc biểu (mã chỉ tiêu ${code}, mã dân tộc ${eth})`, en: "Row is not part of the form" });
        return;
      }
      for (const sex of ["T", "M", "F"] as const) {
        const cell = row.getCell(COLS[sex]);
        const key = cellKey({ indicator: code, ethnicity: eth, sex });
        const v = cellValue(cell.value);
        if (!line.sexes.includes(sex)) {
          if (v !== null && v !== "" && sex !== "T") errors.push({ sheet: name, cell: cell.address, vi: "Ô này không nhập số liệu", en: "This cell takes no value" });
          continue;
        }
        if (where.has(key)) {
          errors.push({ sheet: name, cell: cell.address, vi: "Dòng bị lặp lại", en: "Duplicated row" });
          continue;
        }
        where.set(key, { sheet: name, cell: cell.address });
        if (v === undefined) errors.push({ sheet: name, cell: cell.address, vi: "Ô chứa dữ liệu không phải số (công thức lỗi, ngày tháng hoặc định dạng lạ)", en: "Cell holds something that is not a number" });
        else raw[key] = v;
      }
    });
  });
  if (errors.length) return { ok: false, errors };
  const version = Number(metaOf("version"));
  return { ok: true, raw, where, version: Number.isInteger(version) ? version : null };
}

/** exceljs cell value → number, string, null; undefined when it is something we refuse (dates, errors). */
function cellValue(v: ExcelJS.CellValue): number | string | null | undefined {
  if (v === null || v === undefined) return null;
  if (typeof v === "number" || typeof v === "string") return v;
  if (typeof v === "boolean" || v instanceof Date) return undefined;
  if (typeof v === "object") {
    if ("result" in v) {
      const r = (v as { result?: unknown }).result;
      return typeof r === "number" || typeof r === "string" ? r : r === undefined || r === null ? null : undefined;
    }
    if ("richText" in v) return (v as ExcelJS.CellRichTextValue).richText.map((t) => t.text).join("");
    if ("text" in v) return String((v as { text: unknown }).text);
    if ("error" in v) return undefined;
  }
  return undefined;
}

/**
 * Sum of the uncompressed sizes in a zip's central directory, or null when
 * the bytes are not a zip. Read before exceljs inflates anything.
 */
export function zipUncompressedSize(buf: Buffer): number | null {
  const min = Math.max(0, buf.length - 22 - 65535);
  let eocd = -1;
  for (let i = buf.length - 22; i >= min; i--)
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) return null;
  const entries = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) return null;
    const size = buf.readUInt32LE(p + 24);
    if (size === 0xffffffff) return Number.MAX_SAFE_INTEGER; // zip64: far beyond any form
    total += size;
    p += 46 + buf.readUInt16LE(p + 28) + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return total;
}
