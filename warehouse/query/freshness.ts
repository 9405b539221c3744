import type { Freshness, WarehouseReader } from "./types.ts";

/** The warehouse's own record of its last load ("data as of"). Not scoped: it says nothing about units. */
export async function queryFreshness(wh: WarehouseReader): Promise<Freshness> {
  const rows = await wh.all(`select key, value from etl_state`);
  const kv = new Map(rows.map((r) => [String(r.key), String(r.value)]));
  const facts = await wh.all(`select count(*)::bigint as n from fact_indicator_value`);
  return {
    loadedAt: kv.get("loaded_at") ?? null,
    watermark: kv.get("watermark") ?? null,
    lastRunId: kv.has("last_run_id") ? Number(kv.get("last_run_id")) : null,
    mode: kv.get("last_mode") ?? null,
    facts: Number(facts[0]?.n ?? 0),
  };
}
