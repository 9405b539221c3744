import type { CompletenessRow, IndicatorFilters, IndicatorRow } from "../../warehouse/query/types.ts";
import type { DashboardContext } from "../context.ts";
import type { Row } from "../table.ts";

/** Filters every indicator panel shares: the selected period and unit subtree. */
export function baseFilters(ctx: DashboardContext, opts: { trend?: boolean } = {}): IndicatorFilters {
  return {
    periods: opts.trend ? ctx.trendPeriods : ctx.period ? [ctx.period.code] : [],
    unitIds: [ctx.unitId],
  };
}

/**
 * The ethnicity filter, for panels whose indicators are disaggregated by
 * ethnicity (an ethnicity filter on "none" indicators would empty them).
 */
export function ethFilter(ctx: DashboardContext, codes: readonly string[]): IndicatorFilters {
  if (!ctx.filters.eth) return {};
  const all = codes.every((c) => ctx.indicators.find((i) => i.code === c)?.disaggregation !== "none");
  return all ? { ethnicities: [ctx.filters.eth] } : {};
}

/** Drop the "all groups" rows when charting ethnic groups side by side. */
export const groupsOnly = (rows: readonly IndicatorRow[]): Row[] => rows.filter((r) => r.ethnicity !== "00") as unknown as Row[];

export const asRows = (rows: readonly unknown[]): Row[] => rows as Row[];

/** Completeness rows summed per key, with approval and on-time rates in %. */
export function completenessBy(rows: readonly CompletenessRow[], key: (r: CompletenessRow) => string): Row[] {
  const m = new Map<string, { expected: number; approved: number; onTime: number; submitted: number; returned: number; draft: number; notStarted: number }>();
  for (const r of rows) {
    const k = key(r);
    const a = m.get(k) ?? { expected: 0, approved: 0, onTime: 0, submitted: 0, returned: 0, draft: 0, notStarted: 0 };
    a.expected += r.expected;
    a.approved += r.approved;
    a.onTime += r.onTime;
    a.submitted += r.submitted;
    a.returned += r.returned;
    a.draft += r.draft;
    a.notStarted += r.notStarted;
    m.set(k, a);
  }
  return [...m].map(([k, a]) => ({
    key: k,
    expected: a.expected,
    approved: a.approved,
    approvedPct: a.expected ? (100 * a.approved) / a.expected : null,
    onTimePct: a.expected ? (100 * a.onTime) / a.expected : null,
    submitted: a.submitted,
    returned: a.returned,
    draft: a.draft,
    notStarted: a.notStarted,
  }));
}

/** Long form of completeness status counts (for stacked bars). */
export function statusLong(rows: Row[]): Row[] {
  const labels: [string, string][] = [
    ["approved", "Đã phê duyệt"],
    ["submitted", "Chờ duyệt"],
    ["returned", "Trả lại"],
    ["draft", "Đang nhập"],
    ["notStarted", "Chưa bắt đầu"],
  ];
  return rows.flatMap((r) => labels.map(([k, l]) => ({ key: r.key, status: l, count: r[k] })));
}

/** Rows in the order the indicators were asked for (the layer orders by code). */
export function inIndicatorOrder(codes: readonly string[]) {
  return (rows: unknown): Row[] =>
    [...(rows as IndicatorRow[])].sort((a, b) => codes.indexOf(a.indicator) - codes.indexOf(b.indicator)) as unknown as Row[];
}
