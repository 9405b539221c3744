import type { AppConfig } from "./config.server.ts";
import type { Db } from "../db/knex.server.ts";

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
  /** Extension slots, filled by the platform at start-up. */
  warehouse?: unknown;
  etl?: unknown;
}

export type Listener = "public" | "admin";

export interface AppLoadContext {
  services: AppServices;
  listener: Listener;
  clientIp: string;
  cspNonce: string;
}
