import { listIndicators, listPeriods } from "../warehouse/query/index.ts";
import type { WarehouseReader } from "../warehouse/query/types.ts";
import type { IndicatorInfo, PeriodInfo } from "./context.ts";

/** Periods and indicators as dashboards need them (from the warehouse's catalogue queries). */
export async function loadCatalogue(wh: WarehouseReader): Promise<{ periods: PeriodInfo[]; indicators: IndicatorInfo[] }> {
  const [p, i] = await Promise.all([listPeriods(wh), listIndicators(wh)]);
  const periods = p.map((r) => ({
    code: String(r.code),
    type: String(r.type),
    year: Number(r.year),
    label: String(r.label_vi),
    startDate: String(r.start_date),
    isDemo: r.is_demo === true || r.is_demo === "true",
    status: r.status == null ? undefined : String(r.status),
  }));
  const indicators = i.map((r) => ({
    code: String(r.code),
    name: String(r.name_vi),
    domain: String(r.domain),
    unit: String(r.unit_vi),
    aggregation: r.aggregation === "ratio" ? ("ratio" as const) : ("sum" as const),
    disaggregation: String(r.disaggregation),
  }));
  return { periods, indicators };
}

/**
 * The period a dashboard opens on: the one asked for if it exists, else the
 * latest yearly period whose data is final (closed or locked: an open year
 * is still being reported and would look like a fall), else the latest
 * yearly period, else the latest of any type.
 */
export function resolvePeriod(periods: readonly PeriodInfo[], asked: string | null): PeriodInfo | null {
  if (asked) {
    const p = periods.find((x) => x.code === asked);
    if (p) return p;
  }
  const byStart = [...periods].sort((a, b) => b.startDate.localeCompare(a.startDate));
  const final = (p: PeriodInfo) => p.status === "locked" || p.status === "closed";
  return byStart.find((p) => p.type === "year" && final(p)) ?? byStart.find((p) => p.type === "year") ?? byStart[0] ?? null;
}

/** Periods of the same type up to and including `p`, oldest first, at most `max`. */
export function trendPeriods(periods: readonly PeriodInfo[], p: PeriodInfo | null, max = 10): string[] {
  if (!p) return [];
  return periods
    .filter((x) => x.type === p.type && x.startDate <= p.startDate)
    .sort((a, b) => a.startDate.localeCompare(b.startDate))
    .slice(-max)
    .map((x) => x.code);
}
