import type { AppConfig } from "./config.server.ts";
import type { Db } from "../db/knex.server.ts";
import type { WarehouseService } from "../../warehouse/service.ts";
import type { EtlServices } from "../../etl/platform.ts";
import type { Scheduler } from "../../etl/scheduler.ts";

/**
 * What the platform process owns and hands to every loader and action through
 * the Remix load context (context.services). Routes never open connections of
 * their own: the custom server (app/platform/server.ts) builds this once.
 * Native packages (@duckdb/node-api) stay out of the Remix bundle this way.
 *
 * Later capabilities add their service here (warehouse, etl, exports, backups).
 */
export interface AppServices {
  config: AppConfig;
  db: Db;
  /** Which listener served the request: the public one or the separated admin one. */
  startedAt: Date;
  /** The DuckDB warehouse (one instance per process); absent only in tests that build services by hand. */
  warehouse?: WarehouseService;
  /** The ETL inside the server: its runner (incremental / full, serialised by a Postgres advisory lock) and control route. */
  etl?: EtlServices;
  /** Scheduled jobs: etl, backup, restore-test, exports. */
  scheduler?: Scheduler;
}

export type Listener = "public" | "admin";

export interface AppLoadContext {
  services: AppServices;
  listener: Listener;
  clientIp: string;
  cspNonce: string;
}
