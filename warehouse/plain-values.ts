import {
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
