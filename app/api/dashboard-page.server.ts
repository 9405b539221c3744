import type { Db } from "../db/knex.server.ts";
import type { Scope } from "../scope/scope.ts";
import type { WarehouseReader } from "../../warehouse/query/types.ts";
import { listEthnicities, queryFreshness } from "../../warehouse/query/index.ts";
import type { Dashboard } from "../../dashboards/definition.ts";
import { loadCatalogue } from "../../dashboards/catalogue.ts";
import { buildDashboardContext } from "../../dashboards/build-context.ts";
import type { DashboardContext, PeriodInfo } from "../../dashboards/context.ts";
import { parseFilterState } from "../../dashboards/state.ts";
import { listVisibleUnits, provinceRoot, visibleUnit, type UnitOption } from "./units.server.ts";
import { withDemoFlags } from "./periods.server.ts";

/**
 * Everything a dashboard page (and its exports) needs before running panels:
 * the filter state from the URL, the unit the page is about (checked against
 * the scope — a unit outside it is refused with 403), picker options and the
 * panel context.
 */
export interface DashboardSetup {
  ctx: DashboardContext;
  unit: UnitOption;
  unitOptions: UnitOption[];
  periods: PeriodInfo[];
  ethnicities: { code: string; name: string }[];
  dropped: string[];
  dataAsOf: string | null;
}

export async function prepareDashboard(db: Db, wh: WarehouseReader, scope: Scope, d: Dashboard, url: URL): Promise<DashboardSetup> {
  const { state, dropped } = parseFilterState(url.searchParams);
  const wantTier = d.unitTier === "any" || d.unitTier === "province" ? undefined : d.unitTier;
  const unitOptions = d.unitTier === "province" ? [] : await listVisibleUnits(db, scope, { tier: wantTier });
  let unit: UnitOption | null = null;
  if (state.unit) {
    unit = await visibleUnit(db, scope, state.unit);
    if (!unit) throw new Response("Đơn vị ngoài phạm vi dữ liệu của tài khoản / unit outside your data scope", { status: 403 });
  }
  if (!unit) {
    const own = await visibleUnit(db, scope, scope.unitId);
    const sectorWide = d.unitTier === "province" || scope.tier === "department";
    if (sectorWide) unit = await provinceRoot(db, scope);
    else if (wantTier && own?.tier !== wantTier) unit = unitOptions[0] ?? own;
    else unit = own;
  }
  if (!unit) throw new Response("Không xác định được đơn vị / no unit", { status: 404 });
  const [cat, eth, fresh] = await Promise.all([loadCatalogue(wh), listEthnicities(wh), queryFreshness(wh)]);
  cat.periods = await withDemoFlags(db, cat.periods);
  const ctx = buildDashboardContext({
    filters: { ...state, unit: unit.id },
    ...cat,
    unit: { id: unit.id, tier: unit.tier },
    sectorDomains: scope.grants.flatMap((g) => g.domains ?? []),
  });
  return {
    ctx,
    unit,
    unitOptions,
    periods: cat.periods,
    ethnicities: eth.filter((e) => e.code !== "00").map((e) => ({ code: String(e.code), name: String(e.name_vi) })),
    dropped,
    dataAsOf: fresh.loadedAt,
  };
}
