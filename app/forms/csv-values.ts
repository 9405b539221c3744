import { parseCsv, toCsv, CsvError } from "../lib/csv.ts";
import { bulkLayout, lineCells, type BulkError, type Location } from "./bulk.ts";
import { cellKey, isEnterable, parseCellKey } from "./cells.ts";
import { formatViNumber } from "./number.ts";
import type { RawEntry } from "./entry.ts";
import type { TemplateDefinition } from "./template.ts";

/**
 * The same data as the XLSX, one cell per line:
 *   ma_chi_tieu, chi_tieu, ma_dan_toc, dan_toc, gioi_tinh (T/M/F), gia_tri
 * Values are written and read in vi-VN format ("1.234,5"); ";" as the
 * delimiter (as Excel saves CSV on Vietnamese Windows) is accepted too.
 */
export const MAX_CSV_BYTES = 2 * 1024 * 1024;
export const CSV_HEADER = ["ma_chi_tieu", "chi_tieu", "ma_dan_toc", "dan_toc", "gioi_tinh", "gia_tri"];
const SEX_VI: Record<string, string> = { T: "T", M: "M", F: "F", "TỔNG": "T", NAM: "M", "NỮ": "F" };

interface LayoutInput {
  definition: TemplateDefinition;
  indicators: ReadonlyMap<string, { name_vi: string; unit_vi?: string }>;
  ethnicities: readonly { code: string; name_vi: string }[];
}

export function valuesToCsv(input: LayoutInput & { values: ReadonlyMap<string, number | null> }): string {
  const rows: unknown[][] = [];
  for (const s of bulkLayout(input.definition, input.indicators, input.ethnicities))
    for (const l of s.lines) for (const c of lineCells(l)) rows.push([l.indicator, l.label_vi, l.ethnicity, l.ethnicity_vi, c.sex, formatViNumber(input.values.get(cellKey(c)) ?? null)]);
  return toCsv(CSV_HEADER, rows);
}

export type CsvReadResult = { ok: true; raw: RawEntry; where: Map<string, Location> } | { ok: false; errors: BulkError[] };

export function csvToValues(text: string, input: LayoutInput): CsvReadResult {
  const err = (line: number | null, vi: string, en: string): BulkError => ({ sheet: "CSV", cell: line === null ? "" : `dòng ${line}`, vi, en });
  if (Buffer.byteLength(text, "utf8") > MAX_CSV_BYTES) return { ok: false, errors: [err(null, "Tệp quá lớn (tối đa 2 MB)", "File too large")] };
  const firstLine = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";
  const delimiter = firstLine.includes(";") && !firstLine.includes(",") ? ";" : ",";
  let rows: string[][];
  try {
    rows = parseCsv(text, delimiter);
  } catch (e) {
    return { ok: false, errors: [err(null, e instanceof CsvError ? e.message : "Không đọc được tệp CSV", "Unreadable CSV")] };
  }
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  const need = ["ma_chi_tieu", "ma_dan_toc", "gioi_tinh", "gia_tri"];
  const missing = need.filter((n) => col(n) < 0);
  if (missing.length) return { ok: false, errors: [err(1, `Thiếu cột: ${missing.join(", ")} (dòng tiêu đề phải có ${CSV_HEADER.join(", ")})`, `Missing columns: ${missing.join(", ")}`)] };
  const ethCodes = new Set(input.ethnicities.map((e) => e.code));
  const raw: RawEntry = {};
  const where = new Map<string, Location>();
  const errors: BulkError[] = [];
  rows.slice(1).forEach((r, i) => {
    const line = i + 2;
    if (r.every((f) => f.trim() === "")) return;
    const indicator = (r[col("ma_chi_tieu")] ?? "").trim().toUpperCase();
    const eth = (r[col("ma_dan_toc")] ?? "").trim().padStart(2, "0");
    const sex = SEX_VI[(r[col("gioi_tinh")] ?? "").trim().toUpperCase()] ?? "?";
    const key = `${indicator}:${eth}:${sex}`;
    const ref = parseCellKey(key);
    if (!ref || !isEnterable(input.definition, ref, ethCodes)) {
      errors.push(err(line, `Ô không thuộc biểu (chỉ tiêu ${indicator || "?"}, dân tộc ${eth}, giới tính ${r[col("gioi_tinh")] ?? ""})`, "Cell is not part of the form"));
      return;
    }
    if (where.has(key)) {
      errors.push(err(line, "Ô bị lặp lại", "Duplicated cell"));
      return;
    }
    where.set(key, { sheet: "CSV", cell: `dòng ${line}` });
    raw[key] = r[col("gia_tri")] ?? "";
  });
  return errors.length ? { ok: false, errors } : { ok: true, raw, where };
}
