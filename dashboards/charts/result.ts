import type { DataTable } from "../table.ts";

/**
 * A built chart: an ECharts option that is pure JSON (it crosses to the
 * browser in loader data; formatters are re-attached by applyFormatters),
 * the numbers as a table, and the hints the formatters need.
 */
export interface ChartMeta {
  kind: string;
  unit?: string;
  digits: number;
  valueAxis?: "x" | "y"; // which axis carries values
  percentStack?: boolean;
}

export interface BuiltChart {
  option: Record<string, unknown> | null; // null: table only (nothing to draw)
  table: DataTable;
  meta: ChartMeta;
}
