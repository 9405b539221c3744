import type { Knex } from "knex";
import type { Scope } from "./scope.ts";

/**
 * SQL side of the scope: filters for knex queries over the operational store.
 * `unitIdColumn` names a column holding units.id in the query being filtered.
 * Paths are bound parameters (LIKE prefix with escaped wildcards).
 */
const likePrefix = (p: string) => p.replace(/[\\%_]/g, (c) => `\\${c}`) + "%";

export function whereUnitVisible<T extends Knex.QueryBuilder>(qb: T, scope: Scope, unitIdColumn: string): T {
  const prefixes = scope.grants.map((g) => g.pathPrefix);
  return qb.whereExists(function (this: Knex.QueryBuilder) {
    this.select(this.client.raw("1"))
      .from("units as scope_u")
      .whereRaw("scope_u.id = ??", [unitIdColumn])
      .where(function (this: Knex.QueryBuilder) {
        for (const p of prefixes) this.orWhere("scope_u.path", "like", likePrefix(p));
      });
  }) as T;
}
