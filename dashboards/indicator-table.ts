import type { Dimension, IndicatorRow } from "../warehouse/query/types.ts";
import type { Column, DataTable, Row } from "./table.ts";

/**
 * Query-layer rows as a typed table (API CSV, analysis downloads): the
 * grouped dimensions, then the value with its numerator and denominator so a
 * reader can re-aggregate ratios correctly.
 */
export function indicatorRowsToTable(rows: readonly IndicatorRow[], groupBy: readonly Dimension[] = [], title?: string): DataTable {
  const g = new Set(groupBy);
  const columns: Column[] = [
    { key: "indicator", label: "Mã chỉ tiêu", type: "string" },
    { key: "indicatorName", label: "Chỉ tiêu", type: "string" },
  ];
  if (g.has("unit")) columns.push({ key: "unitId", label: "Mã đơn vị (hệ thống)", type: "integer" }, { key: "unitCode", label: "Mã ĐVHC", type: "string" }, { key: "unitName", label: "Đơn vị", type: "string" });
  if (g.has("ethnicity")) columns.push({ key: "ethnicity", label: "Mã dân tộc", type: "string" }, { key: "ethnicityName", label: "Dân tộc", type: "string" });
  if (g.has("period")) columns.push({ key: "period", label: "Mã kỳ", type: "string" }, { key: "periodLabel", label: "Kỳ báo cáo", type: "string" });
  if (g.has("year")) columns.push({ key: "year", label: "Năm", type: "integer" });
  if (g.has("sex")) columns.push({ key: "sex", label: "Giới tính (T/M/F)", type: "string" });
  columns.push(
    { key: "value", label: "Giá trị", type: "number", digits: 2 },
    { key: "unitOfMeasure", label: "Đơn vị tính", type: "string" },
    { key: "numerator", label: "Tử số", type: "number" },
    { key: "denominator", label: "Mẫu số", type: "number" },
  );
  return {
    title,
    columns,
    rows: rows.map((r) => Object.fromEntries(columns.map((c) => [c.key, ((r as unknown as Record<string, unknown>)[c.key] ?? null) as Row[string]]))),
  };
}

/** Plain objects (catalogue lists) as a string/number table. */
export function objectsToTable(rows: readonly Record<string, unknown>[]): DataTable {
  const keys = rows.length ? Object.keys(rows[0]) : [];
  const columns: Column[] = keys.map((k) => ({ key: k, label: k, type: rows.every((r) => r[k] === null || typeof r[k] === "number") ? "number" : "string" }));
  return {
    columns,
    rows: rows.map((r) => Object.fromEntries(keys.map((k) => [k, r[k] === null || r[k] === undefined ? null : typeof r[k] === "number" ? (r[k] as number) : String(r[k])]))),
  };
}
