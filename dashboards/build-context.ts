import type { DashboardContext, IndicatorInfo, PeriodInfo } from "./context.ts";
import type { FilterState } from "./state.ts";
import { resolvePeriod, trendPeriods } from "./catalogue.ts";

/**
 * The context panels are built from. `unit` is the unit the page is about,
 * already resolved by the caller (the filter's unit if the user may see it,
 * else the user's own unit); the query layer still applies the scope.
 */
export function buildDashboardContext(input: {
  filters: FilterState;
  periods: readonly PeriodInfo[];
  indicators: readonly IndicatorInfo[];
  unit: { id: number; tier: string };
  sectorDomains?: readonly string[];
}): DashboardContext {
  const period = resolvePeriod(input.periods, input.filters.period);
  return {
    filters: { ...input.filters, period: period?.code ?? null },
    period,
    trendPeriods: trendPeriods(input.periods, period),
    unitId: input.unit.id,
    unitTier: input.unit.tier,
    indicators: [...input.indicators],
    sectorDomains: input.sectorDomains ?? [],
  };
}
