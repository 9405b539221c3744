import type { DataTable } from "../table.ts";

/**
 * CSV for Excel and scripts: UTF-8 with a BOM (Excel then reads Vietnamese
 * text correctly), comma-separated, CRLF, RFC 4180 quoting. Numbers are
 * written in full precision with a dot decimal (machine-readable); the
 * formatted, locale-aware version is the XLSX export.
 */
const BOM = "\ufeff";

function field(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "number" ? (Number.isFinite(v) ? String(v) : "") : String(v);
  // guard against spreadsheet formula injection in text cells
  const safe = typeof v === "string" && /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\r\n;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function tableToCsv(t: DataTable): string {
  const head = t.columns.map((c) => field(c.unit && c.unit !== "%" ? `${c.label} (${c.unit})` : c.unit === "%" ? `${c.label} (%)` : c.label)).join(",");
  const lines = t.rows.map((r) => t.columns.map((c) => field(r[c.key])).join(","));
  return BOM + [head, ...lines].join("\r\n") + "\r\n";
}

export function csvBuffer(t: DataTable): Buffer {
  return Buffer.from(tableToCsv(t), "utf8");
}
