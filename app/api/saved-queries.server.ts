import type { Db } from "../db/knex.server.ts";

/**
 * Saved analyses: a name and the URL state. Shared ones are visible to the
 * other accounts of the same unit (same scope); results are always computed
 * under the viewer's own scope, so sharing never widens what anyone sees.
 */
export interface SavedQuery {
  id: number;
  name: string;
  search: string;
  shared: boolean;
  mine: boolean;
  owner: string;
  updatedAt: string;
}

export async function listSavedQueries(db: Db, user: { id: number; unitId: number }): Promise<SavedQuery[]> {
  const rows = await db("saved_queries as q")
    .join("users as u", "u.id", "q.owner_user_id")
    .where((w) => w.where("q.owner_user_id", user.id).orWhere((o) => o.where("q.shared", true).andWhere("q.owner_unit_id", user.unitId)))
    .orderBy("q.updated_at", "desc")
    .limit(200)
    .select("q.id", "q.name", "q.state", "q.shared", "q.owner_user_id", "u.username", "q.updated_at");
  return rows.map((r) => ({
    id: r.id, name: r.name, search: String(r.state?.search ?? ""), shared: r.shared, mine: r.owner_user_id === user.id, owner: r.username,
    updatedAt: new Date(r.updated_at).toISOString(),
  }));
}

export async function saveQuery(db: Db, user: { id: number; unitId: number }, q: { name: string; search: string; shared: boolean }): Promise<number> {
  const [row] = await db("saved_queries")
    .insert({ name: q.name, owner_user_id: user.id, owner_unit_id: user.unitId, shared: q.shared, state: JSON.stringify({ search: q.search }) })
    .returning("id");
  return row.id;
}

/** Only the owner deletes. */
export async function deleteSavedQuery(db: Db, userId: number, id: number): Promise<boolean> {
  return (await db("saved_queries").where({ id, owner_user_id: userId }).delete()) > 0;
}
