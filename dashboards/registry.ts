import type { Dashboard } from "./definition.ts";
import { provinceOverview } from "./defs/province-overview.ts";
import { districtDashboard } from "./defs/district.ts";
import { communeProfile } from "./defs/commune.ts";
import { sectorDashboard } from "./defs/sector.ts";
import { completenessDashboard } from "./defs/completeness.ts";

/** Every dashboard, in menu order. Importing this module validates them all. */
export const DASHBOARDS: readonly Dashboard[] = [provinceOverview, districtDashboard, communeProfile, sectorDashboard, completenessDashboard];

export function getDashboard(id: string): Dashboard | undefined {
  return DASHBOARDS.find((d) => d.id === id);
}

/** The dashboard a tier lands on. */
export function defaultDashboardFor(tier: string): Dashboard {
  const id = tier === "commune" ? "commune" : tier === "district" ? "district" : tier === "department" ? "sector" : "province";
  return getDashboard(id)!;
}
