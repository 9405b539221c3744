import type { FilterState } from "./state.ts";

/**
 * What a panel's query sees: the validated filter state and the catalogue
 * facts needed to build queries. The scope is NOT here: the query layer
 * applies it from the session when the runner calls it.
 */
export interface PeriodInfo {
  code: string;
  type: string;
  year: number;
  label: string;
  startDate: string;
  isDemo: boolean;
  /** draft | open | closed | locked: a locked period's data is final. */
  status?: string;
}

export interface IndicatorInfo {
  code: string;
  name: string;
  domain: string;
  unit: string;
  aggregation: "sum" | "ratio";
  disaggregation: string;
}

export interface DashboardContext {
  filters: FilterState;
  /** The selected period (filters.period resolved), null when the warehouse has none. */
  period: PeriodInfo | null;
  /** Periods of the same type up to the selected one, oldest first (trends). */
  trendPeriods: string[];
  /** The unit the dashboard is about: the filter's unit, or the user's own unit. */
  unitId: number;
  unitTier: string;
  indicators: IndicatorInfo[];
  /** Sector domains of the viewing unit (department users), for the sector dashboard. */
  sectorDomains: readonly string[];
}
