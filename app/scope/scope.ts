import type { Role, Tier } from "../auth/roles.ts";

/**
 * Data scope: the one place that says what a signed-in user may see and
 * change. Everything that reads or writes unit data — loaders, actions, API
 * routes, the warehouse query layer — derives its filter from a Scope built
 * on the server from the session, never from the URL or the form.
 *
 * A scope is a list of grants. A row is visible when its unit's materialised
 * path starts with a grant's prefix and (when the grant names domains) its
 * indicator belongs to one of them:
 *   province committee   → [{ "/1/", all domains }]
 *   district             → [{ "/1/5/", all }]        itself and its communes
 *   commune              → [{ "/1/5/37/", all }]     itself only
 *   sector department    → [{ own path, all }, { "/1/", its sector's domains }]
 */
export interface DataGrant {
  pathPrefix: string;
  domains: readonly string[] | null; // null = every domain
}

export interface Scope {
  userId: number;
  username: string;
  unitId: number;
  unitPath: string;
  tier: Tier;
  roles: readonly Role[];
  grants: readonly DataGrant[];
}

export class ScopeError extends Error {
  override name = "ScopeError";
  constructor(message = "Ngoài phạm vi dữ liệu của tài khoản / outside your data scope") {
    super(message);
  }
}

export function rootPathOf(path: string): string {
  const first = path.split("/").filter(Boolean)[0];
  return `/${first}/`;
}

export function buildScope(input: {
  userId: number;
  username: string;
  unitId: number;
  unitPath: string;
  tier: Tier;
  roles: readonly Role[];
  sectorDomains: readonly string[];
}): Scope {
  const grants: DataGrant[] = [{ pathPrefix: input.unitPath, domains: null }];
  if (input.tier === "department" && input.sectorDomains.length > 0) {
    grants.push({ pathPrefix: rootPathOf(input.unitPath), domains: [...input.sectorDomains] });
  }
  return { ...input, grants };
}

export function hasRole(scope: Scope, role: Role): boolean {
  return scope.roles.includes(role);
}

/**
 * May this scope read data of the unit at `unitPath`? Without a domain only
 * unrestricted grants count (all of the unit's data); with one, a sector grant
 * covering that domain counts too.
 */
export function canReadUnit(scope: Scope, unitPath: string, domain?: string): boolean {
  return scope.grants.some(
    (g) => unitPath.startsWith(g.pathPrefix) && (g.domains === null || (domain !== undefined && g.domains.includes(domain))),
  );
}

/** May this scope see the unit at all (in a list or picker)? Any grant covering its path suffices. */
export function canSeeUnit(scope: Scope, unitPath: string): boolean {
  return scope.grants.some((g) => unitPath.startsWith(g.pathPrefix));
}

/** Units enter data only for themselves. */
export function canSubmitFor(scope: Scope, unitId: number): boolean {
  return hasRole(scope, "submitter") && scope.unitId === unitId;
}

/** The managing unit approves: the approver role at exactly the submission's approver unit. */
export function canApproveAt(scope: Scope, approverUnitId: number | null): boolean {
  return hasRole(scope, "approver") && approverUnitId !== null && scope.unitId === approverUnitId;
}

export function isAdmin(scope: Scope): boolean {
  return hasRole(scope, "admin") && scope.tier === "province";
}
