import type { Scope } from "../../app/scope/scope.ts";
import { unitTiers } from "./lookups.ts";
import type { Dimension, IndicatorFilters, UnitLevel, WarehouseReader } from "./types.ts";

/** Node levels kept in mart_indicator_node. */
export type MartLevel = "province" | "district";

const RANK: Record<string, number> = { province: 1, department: 2, district: 2, commune: 3 };

/**
 * Can this request be answered from mart_indicator_node at some node level,
 * with exactly the numbers the facts would give? The mart sums every fact of
 * a node's subtree, so it is exact when the facts the query selects are whole
 * node subtrees and every path restriction (the scope's grants, the unitIds
 * filter) is decided by the node's own path:
 *  - grouped by unit at the district or province level: each restriction is a
 *    unit at or above that level (a commune user falls back to the facts);
 *  - not grouped by unit: the restrictions name nodes of one level exactly
 *    (the unitIds, or else every grant), and any other restriction lies at or
 *    above it;
 *  - district nodes hold the all-groups total only ('00', every sex): a request
 *    by ethnicity uses them only at the province level.
 * Returns the level to use, or null to read the facts.
 */
export async function martLevelFor(
  wh: WarehouseReader,
  scope: Scope,
  group: ReadonlySet<Dimension>,
  level: UnitLevel,
  f: IndicatorFilters,
): Promise<MartLevel | null> {
  if (group.has("unit") && level !== "district" && level !== "province") return null;
  const prefixes = [...new Set(scope.grants.filter((g) => g.pathPrefix && (g.domains === null || g.domains.length > 0)).map((g) => g.pathPrefix))];
  const unitIds = [...new Set(f.unitIds ?? [])];
  if (prefixes.length === 0) return null;
  const { tierOfPath, tierOfId } = await unitTiers(wh);
  const grantTiers = prefixes.map((p) => tierOfPath.get(p));
  const idTiers = unitIds.map((id) => tierOfId.get(id));
  if ([...grantTiers, ...idTiers].some((t) => t === undefined || !(t in RANK))) return null;
  const rank = (t: string | undefined) => RANK[t!]!;
  const atOrAbove = (ts: (string | undefined)[], l: MartLevel) => ts.every((t) => rank(t) <= RANK[l]!);

  // District nodes hold the all-groups total ('00') only; by ethnicity, a district is read from the facts.
  const totalsOnly = !group.has("ethnicity") && (f.ethnicities === undefined || (f.ethnicities.length === 1 && f.ethnicities[0] === "00"));
  if (group.has("unit")) {
    const l = level as MartLevel;
    if (l === "district" && !totalsOnly) return null;
    if (l === "province") return [...grantTiers, ...idTiers].every((t) => t === "province") ? l : null;
    return atOrAbove(grantTiers, l) && atOrAbove(idTiers, l) ? l : null;
  }
  for (const l of ["province", "district"] as const) {
    if (l === "district" && !totalsOnly) continue;
    if (unitIds.length > 0) {
      if (idTiers.every((t) => t === l) && atOrAbove(grantTiers, l) && (l === "district" || grantTiers.every((t) => t === "province"))) return l;
    } else if (grantTiers.every((t) => t === l)) return l;
  }
  return null;
}
