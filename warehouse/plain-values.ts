import {
  type DuckDBResultReader,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBValue,
} from "@duckdb/node-api";

/**
 * DuckDB values → plain JS: BIGINT/HUGEINT/DECIMAL → number, DATE →
 * "YYYY-MM-DD", TIMESTAMP(TZ) → ISO string. Only scalar results cross the
 * query layer's boundary.
 */
export function plainValue(v: DuckDBValue): unknown {
  if (v === null || typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof DuckDBDecimalValue) return v.toDouble();
  if (v instanceof DuckDBTimestampTZValue || v instanceof DuckDBTimestampValue)
    return v.isFinite ? new Date(Number(v.micros / 1000n)).toISOString() : null;
  if (v instanceof DuckDBDateValue) return v.toString();
  return String(v);
}

export function plainRow(r: Record<string, DuckDBValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in r) out[k] = plainValue(r[k]!);
  return out;
}

/**
 * Every row of a result as plain objects. Column by column (one conversion
 * function per vector, then one object per row): about half the cost of
 * getRowObjects().map(plainRow) on wide results, same values.
 */
export function plainRows(reader: DuckDBResultReader): Record<string, unknown>[] {
  const names = reader.columnNames();
  const cols = reader.getColumns().map((col) => col.map(plainValue));
  const n = reader.currentRowCount;
  const out: Record<string, unknown>[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const o: Record<string, unknown> = {};
    for (let j = 0; j < names.length; j++) o[names[j]!] = cols[j]![i];
    out[i] = o;
  }
  return out;
}

/** Every column of a result as plain values (primitives pass through untouched). */
export function plainColumns(reader: DuckDBResultReader): { names: string[]; columns: unknown[][]; rowCount: number } {
  const names = reader.columnNames();
  const columns = reader.getColumns().map((col) => {
    for (let i = 0; i < col.length; i++) {
      const v = col[i];
      if (v !== null && typeof v === "object") return col.map(plainValue);
      if (typeof v === "bigint") return col.map(plainValue);
    }
    return col as unknown[];
  });
  return { names, columns, rowCount: reader.currentRowCount };
}
