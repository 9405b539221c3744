import type { Knex } from "knex";
import type { Db } from "../db/knex.server.ts";
import { canReadUnit, canSeeUnit, ScopeError, type Scope } from "./scope.ts";

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

/**
 * Data rows (values) visible to the scope: unit path under a grant and, for
 * domain-limited grants, the indicator in one of the grant's domains.
 */
export function whereDataVisible<T extends Knex.QueryBuilder>(qb: T, scope: Scope, unitIdColumn: string, indicatorDomainColumn: string): T {
  return qb.where(function (this: Knex.QueryBuilder) {
    for (const g of scope.grants) {
      this.orWhere(function (this: Knex.QueryBuilder) {
        this.whereExists(function (this: Knex.QueryBuilder) {
          this.select(this.client.raw("1")).from("units as scope_u").whereRaw("scope_u.id = ??", [unitIdColumn]).where("scope_u.path", "like", likePrefix(g.pathPrefix));
        });
        if (g.domains) this.whereIn(indicatorDomainColumn, [...g.domains]);
      });
    }
  }) as T;
}

export async function loadUnit(db: Db, unitId: number) {
  return db("units").where({ id: unitId }).first("id", "code", "name", "tier", "path", "parent_id", "kind");
}

/** Throws ScopeError unless the unit is visible to the scope (and, with a domain, its data is readable). */
export async function assertUnitVisible(db: Db, scope: Scope, unitId: number, domain?: string) {
  const unit = await loadUnit(db, unitId);
  if (!unit) throw new ScopeError("Không tìm thấy đơn vị / unit not found");
  const ok = domain ? canReadUnit(scope, unit.path, domain) : canSeeUnit(scope, unit.path);
  if (!ok) throw new ScopeError();
  return unit;
}
