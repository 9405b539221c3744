import type { Db } from "../db/knex.server.ts";

/** "Số liệu tính đến": the period's reference date (dd/mm/yyyy) from the operational catalogue. */
export async function periodReferenceDate(db: Db, code: string): Promise<string | null> {
  const r = await db("periods").where({ code }).first("reference_date");
  if (!r?.reference_date) return null;
  const [y, m, d] = String(r.reference_date).slice(0, 10).split("-");
  return `${d}/${m}/${y}`;
}

/**
 * Which periods hold demo data ("Dữ liệu mẫu"): periods.is_demo in the
 * operational catalogue (the warehouse's period list does not carry it yet).
 */
export async function withDemoFlags<T extends { code: string; isDemo: boolean }>(db: Db, periods: T[]): Promise<T[]> {
  if (!periods.length) return periods;
  const demo = new Set((await db("periods").whereIn("code", periods.map((p) => p.code)).where("is_demo", true).pluck("code")) as string[]);
  return periods.map((p) => ({ ...p, isDemo: p.isDemo || demo.has(p.code) }));
}
