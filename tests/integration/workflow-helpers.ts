import type { Db } from "../../app/db/knex.server.ts";
import { buildScope } from "../../app/scope/scope.ts";
import type { Actor } from "../../app/workflow/submissions.server.ts";
import { createPeriod, assignForm, setPeriodStatus } from "../../app/periods/periods.server.ts";

/** An actor as the guards would build it, from an account in the seeded database. */
export async function actorFor(db: Db, username: string): Promise<Actor & { catalogueActor: { userId: number; username: string; unitId: number } }> {
  const r = await db("users as u").join("units as un", "un.id", "u.unit_id").where("u.username", username)
    .first("u.id", "u.username", "u.roles", "un.id as unit_id", "un.path", "un.tier", "un.sector_domains");
  if (!r) throw new Error(`no user ${username}`);
  const scope = buildScope({ userId: r.id, username: r.username, unitId: r.unit_id, unitPath: r.path, tier: r.tier, roles: r.roles, sectorDomains: r.sector_domains });
  return { scope, user: { id: r.id, username: r.username, unitId: r.unit_id }, ip: "127.0.0.1", catalogueActor: { userId: r.id, username: r.username, unitId: r.unit_id } };
}

/** Two communes of one district, a commune of another district, and their districts' and the province's accounts. */
export async function cast(db: Db) {
  const districts = await db("units").where({ tier: "district" }).orderBy("code").limit(2).select("id", "name");
  const communeOf = (d: number, n: number) => db("units as u").join("users as us", "us.unit_id", "u.id").where({ "u.parent_id": d, "u.tier": "commune" }).orderBy("u.code").offset(n).first("u.id", "u.name", "us.username");
  const userOf = (unitId: number) => db("users").where({ unit_id: unitId }).first("username");
  const province = await db("units").where({ tier: "province" }).first("id");
  return {
    district: { ...districts[0], username: (await userOf(districts[0].id)).username },
    otherDistrict: { ...districts[1], username: (await userOf(districts[1].id)).username },
    commune: await communeOf(districts[0].id, 0),
    neighbour: await communeOf(districts[0].id, 1),
    farCommune: await communeOf(districts[1].id, 0),
    province: { id: province.id, username: (await userOf(province.id)).username },
  };
}

/** A period asking communes for `formCode`, opened. */
export async function openPeriod(db: Db, admin: { userId: number; username: string; unitId: number }, input: Record<string, unknown>, forms: string[], tier: "commune" | "district" = "commune") {
  const p = await createPeriod(db, admin, { deadline: "2099-12-31", ...input });
  for (const f of forms) await assignForm(db, admin, p.id, f, { tier });
  await setPeriodStatus(db, admin, p.id, "open");
  return p;
}
