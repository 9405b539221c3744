import type { Db } from "../db/knex.server.ts";

/** "Số liệu tính đến": the period's reference date (dd/mm/yyyy) from the operational catalogue. */
export async function periodReferenceDate(db: Db, code: string): Promise<string | null> {
  const r = await db("periods").where({ code }).first("reference_date");
  if (!r?.reference_date) return null;
  const [y, m, d] = String(r.reference_date).slice(0, 10).split("-");
  return `${d}/${m}/${y}`;
}
