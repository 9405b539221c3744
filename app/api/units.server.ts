import type { Db } from "../db/knex.server.ts";
import { whereUnitVisible } from "../scope/scope.server.ts";
import { canSeeUnit, rootPathOf, type Scope } from "../scope/scope.ts";

/**
 * Units for pickers and the API's unit list: operational reference data from
 * Postgres, always filtered by the caller's scope.
 */
export interface UnitOption {
  id: number;
  code: string;
  gsoCode: string | null;
  name: string;
  tier: string;
  parentId: number | null;
  path: string;
}

const COLS = ["u.id", "u.code", "u.gso_code", "u.name", "u.tier", "u.parent_id", "u.path"];
const toOption = (r: Record<string, unknown>): UnitOption => ({
  id: Number(r.id),
  code: String(r.code),
  gsoCode: (r.gso_code as string | null) ?? null,
  name: String(r.name),
  tier: String(r.tier),
  parentId: r.parent_id == null ? null : Number(r.parent_id),
  path: String(r.path),
});

export async function listVisibleUnits(db: Db, scope: Scope, opts: { tier?: string; parentId?: number; limit?: number } = {}): Promise<UnitOption[]> {
  const q = db("units as u").select(COLS).whereNull("u.valid_to");
  whereUnitVisible(q, scope, "u.id");
  if (opts.tier) q.where("u.tier", opts.tier);
  if (opts.parentId) q.where("u.parent_id", opts.parentId);
  // one tier: official GSO order; mixed tiers: the hierarchy (path) order
  const rows = await (opts.tier ? q.orderBy("u.code") : q.orderBy("u.path")).limit(opts.limit ?? 5000);
  return rows.map(toOption);
}

export async function findUnit(db: Db, id: number): Promise<UnitOption | null> {
  const r = await db("units as u").where("u.id", id).first(COLS);
  return r ? toOption(r) : null;
}

/** The root of the province (sector grants and department users look province-wide). */
export async function provinceRoot(db: Db, scope: Scope): Promise<UnitOption | null> {
  const id = Number(rootPathOf(scope.unitPath).replace(/\//g, ""));
  return Number.isInteger(id) ? findUnit(db, id) : null;
}

/** A unit named in a URL, if the scope may see it; null otherwise (never trust the URL). */
export async function visibleUnit(db: Db, scope: Scope, id: number): Promise<UnitOption | null> {
  const u = await findUnit(db, id);
  return u && canSeeUnit(scope, u.path) ? u : null;
}
