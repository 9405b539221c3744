import { parseCellKey } from "../forms/cells.ts";
import { ALL_ETHNICITIES } from "../forms/template.ts";
import type { IndicatorMeta } from "../forms/entry.ts";

/**
 * What an approver checks: each value against the unit's previous period.
 * A value is flagged (never blocked) when it moved by more than `factor`
 * (either way: ×factor or ÷factor) or falls outside the indicator's plausible
 * range (the minimum only for the total cell — one group may be small).
 */
export type DiffFlag = "moved" | "implausible_low" | "implausible_high" | "new" | "gone";

export interface DiffRow {
  cell: string;
  indicator: string;
  ethnicity: string;
  sex: string;
  current: number | null;
  previous: number | null;
  change: number | null;
  /** current / previous, when both are positive. */
  ratio: number | null;
  flags: DiffFlag[];
}

export const DEFAULT_MOVE_FACTOR = 1.5;

export function diffValues(
  current: ReadonlyMap<string, number | null>,
  previous: ReadonlyMap<string, number | null> | null,
  indicators: ReadonlyMap<string, Pick<IndicatorMeta, "plausible_min" | "plausible_max">>,
  factor = DEFAULT_MOVE_FACTOR,
): DiffRow[] {
  const keys = new Set([...current.keys(), ...(previous?.keys() ?? [])]);
  const rows: DiffRow[] = [];
  for (const key of keys) {
    const c = parseCellKey(key);
    if (!c) continue;
    const cur = current.get(key) ?? null;
    const prev = previous?.get(key) ?? null;
    const flags: DiffFlag[] = [];
    const ratio = cur !== null && prev !== null && cur > 0 && prev > 0 ? cur / prev : null;
    if (ratio !== null && (ratio > factor || ratio < 1 / factor)) flags.push("moved");
    if (previous && prev !== null && prev > 0 && cur === 0) flags.push("moved");
    if (previous && (prev === null || prev === 0) && cur !== null && cur > 0 && previous.size > 0) flags.push("new");
    if (previous && prev !== null && prev > 0 && cur === null) flags.push("gone");
    const ind = indicators.get(c.indicator);
    if (cur !== null && ind) {
      if (ind.plausible_max !== null && ind.plausible_max !== undefined && cur > ind.plausible_max) flags.push("implausible_high");
      if (c.ethnicity === ALL_ETHNICITIES && ind.plausible_min !== null && ind.plausible_min !== undefined && cur < ind.plausible_min) flags.push("implausible_low");
    }
    rows.push({ cell: key, indicator: c.indicator, ethnicity: c.ethnicity, sex: c.sex, current: cur, previous: prev, change: cur !== null && prev !== null ? cur - prev : null, ratio, flags });
  }
  return rows;
}

export const FLAG_LABELS: Record<DiffFlag, { vi: string; en: string }> = {
  moved: { vi: "Biến động bất thường so với kỳ trước", en: "Unusual change from the previous period" },
  implausible_low: { vi: "Thấp hơn mức hợp lý", en: "Below the plausible range" },
  implausible_high: { vi: "Cao hơn mức hợp lý", en: "Above the plausible range" },
  new: { vi: "Kỳ trước không có", en: "Not reported last period" },
  gone: { vi: "Kỳ trước có, kỳ này bỏ trống", en: "Reported last period, empty now" },
};
