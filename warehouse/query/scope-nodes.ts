import type { Scope } from "../../app/scope/scope.ts";
import { derive, type Dimensions } from "./lookups.ts";
import type { MartLevel } from "./mart-route.ts";

/*
 * The caller's scope resolved against the memoised unit tree, so the SQL gets a
 * list of node ids (or nothing at all when the scope covers every unit) instead
 * of a join to dim_unit and a path predicate. Answers are kept per warehouse
 * generation in Dimensions.derived (bounded: the keys carry a caller's unit ids).
 */

/**
 * Nodes of a mart level the scope lets an indicator of `domain` through, within the
 * unitIds subtrees: "all" when that is every node of the level.
 */
export function visibleNodes(dims: Dimensions, scope: Scope, domain: string, level: MartLevel, unitIds: readonly number[] | undefined): number[] | "all" {
  const prefixes = scope.grants.filter((g) => g.pathPrefix && (g.domains === null || g.domains.includes(domain))).map((g) => g.pathPrefix!);
  const within = unitIds ? unitIds.map((id) => dims.unitById.get(id)?.path).filter((p): p is string => p !== undefined) : null;
  const key = `nodes\n${level}\n${prefixes.join("\t")}\n${within ? within.join("\t") : "*"}`;
  return derive(dims, key, () => {
    const nodes: number[] = [];
    let all = true;
    for (const u of dims.units) {
      if (u.tier !== level) continue;
      if (prefixes.some((p) => u.path.startsWith(p)) && (!within || within.some((p) => u.path.startsWith(p)))) nodes.push(u.unit_id);
      else all = false;
    }
    return all ? ("all" as const) : nodes;
  });
}

/** Every unit of the warehouse lies under one of these path prefixes. */
export function coversEveryUnit(dims: Dimensions, prefixes: string[]): boolean {
  const key = `covers\n${prefixes.join("\t")}`;
  return derive(dims, key, () => dims.units.every((u) => prefixes.some((p) => u.path.startsWith(p))));
}
