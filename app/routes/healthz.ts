import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { servicesOf } from "../auth/guards.server.ts";
import { schemaVersion } from "../db/knex.server.ts";

import { queryFreshness } from "../../warehouse/query/index.ts";

/** Liveness for operators and monitors: database and warehouse state, no secrets. */
export async function loader({ context }: LoaderFunctionArgs) {
  const services = servicesOf(context);
  const started = Date.now();
  let database: Record<string, unknown>;
  try {
    await services.db.raw("select 1");
    database = { ok: true, schema: await schemaVersion(services.db), latency_ms: Date.now() - started };
  } catch {
    database = { ok: false, error: "unreachable" };
  }
  let warehouse: Record<string, unknown>;
  if (services.warehouse) {
    try {
      const f = await queryFreshness(services.warehouse);
      warehouse = { ok: f.loadedAt !== null, data_as_of: f.loadedAt, facts: f.facts, last_mode: f.mode };
    } catch {
      warehouse = { ok: false, error: "unavailable" };
    }
  } else warehouse = { ok: false, error: "not configured" };
  const ok = database.ok === true && warehouse.ok === true;
  return json(
    { ok, status: ok ? "ok" : "degraded", database, warehouse, uptime_s: Math.round((Date.now() - services.startedAt.getTime()) / 1000) },
    { status: database.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
