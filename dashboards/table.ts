/**
 * The one tabular shape every chart, pivot, panel and export shares: typed
 * columns (so XLSX keeps numbers as numbers and Parquet/Arrow get real types)
 * and plain rows keyed by column key.
 */
export type ColumnType = "string" | "integer" | "number" | "date";

export interface Column {
  key: string;
  label: string; // header as shown and exported (Vietnamese by default)
  type: ColumnType;
  unit?: string; // unit of measure, e.g. "%", "Hộ"
  digits?: number; // fraction digits to show (exports keep full precision)
}

export type Cell = string | number | null;
export type Row = Record<string, Cell>;

export interface DataTable {
  title?: string;
  columns: Column[];
  rows: Row[];
  notes?: string[]; // e.g. "Dữ liệu mẫu", source, as-of
}

export class TableError extends Error {
  override name = "TableError";
}

/** Reject rows whose cells do not fit their column's type (exports must never silently coerce). */
export function assertTable(t: DataTable): DataTable {
  const keys = new Set<string>();
  for (const c of t.columns) {
    if (keys.has(c.key)) throw new TableError(`Cột trùng khóa: ${c.key}`);
    keys.add(c.key);
  }
  t.rows.forEach((r, i) => {
    for (const c of t.columns) {
      const v = r[c.key];
      if (v === null || v === undefined) continue;
      const ok =
        c.type === "string" || c.type === "date" ? typeof v === "string" : typeof v === "number" && Number.isFinite(v) && (c.type !== "integer" || Number.isInteger(v));
      if (!ok) throw new TableError(`Dòng ${i + 1}, cột "${c.label}": giá trị ${JSON.stringify(v)} không đúng kiểu ${c.type}`);
    }
  });
  return t;
}
