import type { Lang } from "./format.ts";

/** What a builder needs besides the rows: labels and the value's unit. */
export interface ChartContext {
  lang: Lang;
  valueLabel: string; // e.g. "Tỷ lệ hộ nghèo"
  unit?: string; // "%", "Hộ"
  labels?: Record<string, string>; // header for each field used (category, series, x, y…)
}

export const label = (ctx: ChartContext, field: string) => ctx.labels?.[field] ?? field;

/** Distinct values of a field in first-seen order (rows arrive ordered by the query). */
export function distinct(rows: readonly Record<string, unknown>[], field: string): string[] {
  const seen = new Set<string>();
  for (const r of rows) {
    const v = r[field];
    if (v !== null && v !== undefined) seen.add(String(v));
  }
  return [...seen];
}

export function num(v: unknown): number | null {
  if (v === null || v === undefined || v === "") return null;
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** A sober palette that prints well in grey (official reports are often photocopied). */
export const PALETTE = ["#1f4e79", "#c0504d", "#4f8a3c", "#d08c1f", "#6f4e9c", "#2c8c99", "#8c564b", "#b8467a", "#7f7f7f", "#9aa61f", "#3d6fb6", "#e07b39"];
