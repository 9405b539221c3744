import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { loadConfig, type AppConfig } from "./config.server.ts";
import { openPostgres, type PostgresHandle } from "../db/postgres.server.ts";
import { createDb, migrate } from "../db/knex.server.ts";
import { seedReference } from "../db/seed/reference.ts";
import { createHttpApp } from "./http.ts";
import { deleteExpiredSessions } from "../auth/session.server.ts";
import type { AppServices } from "./services.ts";
import { createLogger, type Logger } from "./log.ts";
import { seedDemoData } from "../db/seed/demo.ts";
import { openWarehouse } from "../../warehouse/service.ts";
import { createScheduler } from "../../etl/scheduler.ts";
import { startEtlServices } from "../../etl/platform.ts";
import { registerSafetyJobs } from "../ops/schedule.server.ts";
import { registerExportJobs } from "../api/export-jobs.server.ts";
import { securityHeaders } from "../security/headers.server.ts";
import { bodyLimit } from "../security/body-limit.server.ts";
import { apiRateLimit, signInRateLimit } from "../security/rate-limit.server.ts";
import { safeErrorHandler } from "../security/error-handler.server.ts";

/**
 * The platform process: owns Postgres (embedded or DATABASE_URL), the
 * operational connection pool, the DuckDB warehouse, the scheduler, and the
 * two HTTP listeners. `npm start` runs main() below; tests call
 * startPlatform() with their own configuration.
 */
export interface Platform {
  services: AppServices;
  publicUrl: string;
  adminUrl: string;
  postgres: PostgresHandle;
  stop(): Promise<void>;
}

export interface StartOptions {
  config?: AppConfig;
  build?: ServerBuild;
  log?: Logger;
  /** Seed demo data when the database is new (config SEED_DEMO_DATA). */
}

async function loadBuild(): Promise<ServerBuild> {
  const file = path.resolve("build/index.js");
  try {
    return (await import(pathToFileURL(file).href)) as ServerBuild;
  } catch (e) {
    throw new Error(`The web build is missing (${file}): run \`npx remix build\` (npm start does it). ${(e as Error).message}`);
  }
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const a = server.address();
      resolve(typeof a === "object" && a ? a.port : port);
    });
  });
}

export async function startPlatform(opts: StartOptions = {}): Promise<Platform> {
  const config = opts.config ?? loadConfig();
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const build = opts.build ?? (await loadBuild());
  const stops: (() => Promise<void>)[] = [];
  const postgres = await openPostgres({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir, port: config.EMBEDDED_PG_PORT });
  stops.push(() => postgres.stop());
  log.info(postgres.embedded ? `Postgres (embedded) ready, data in ${path.join(config.dataDir, "pg")}` : "Postgres ready (DATABASE_URL)");
  try {
    const db = createDb(postgres.url, { max: 30 });
    stops.unshift(() => db.destroy());
    const applied = await migrate(db);
    if (applied.length) log.info(`Migrations applied: ${applied.join(", ")}`);
    const seeded = await seedReference(db, { defaultPassword: config.DEFAULT_PASSWORD, production: config.isProduction });
    if (seeded.unitsInserted || seeded.usersInserted) {
      log.info(`Reference data seeded: ${seeded.unitsInserted} units, ${seeded.usersInserted} accounts, ${seeded.ethnicitiesInserted} ethnic groups, ${seeded.indicatorsInserted} indicators, ${seeded.formsInserted} forms`);
      for (const c of seeded.usernameChanges) log.info(`  username normalised: "${c.issued}" → "${c.normalised}"`);
    }
    if (config.SEED_DEMO_DATA) {
      const demo = await seedDemoData(db);
      if (!demo.skipped) log.info(`Demo data seeded (labelled "Dữ liệu mẫu"): ${demo.periods} periods, ${demo.submissions} submissions, ${demo.values} values`);
    }

    // The warehouse: one DuckDB instance for this process (docs/decisions/002-custom-server.md).
    const warehouse = await openWarehouse({ path: config.warehousePath });
    stops.push(() => warehouse.close());
    const scheduler = createScheduler({ log: (m) => log.debug(m) });
    stops.unshift(() => scheduler.stop());
    const etl = await startEtlServices({ db, dbUrl: postgres.url, warehouse, config, scheduler, log });
    stops.unshift(() => etl.stop());
    const services: AppServices = { config, db, startedAt: new Date(), warehouse, etl, scheduler };
    registerSafetyJobs(scheduler, services, log);
    const sessionPolicy = { idleMinutes: config.SESSION_IDLE_MINUTES, absoluteHours: config.SESSION_ABSOLUTE_HOURS };
    scheduler.add("sessions-prune", "*/15 * * * *", () => deleteExpiredSessions(db, sessionPolicy));
    registerExportJobs(scheduler, services);
    if (config.SCHEDULER) scheduler.start();

    const servers: http.Server[] = [];
    // Hardening (app/security): headers on every answer; body limits and rate limits behind the listener gate.
    const after = [safeErrorHandler(log)];
    const headers = [securityHeaders()];
    const publicServer = http.createServer(createHttpApp({ build, services, listener: "public", headers, before: [bodyLimit(), signInRateLimit(), apiRateLimit()], after }));
    const adminServer = http.createServer(createHttpApp({ build, services, listener: "admin", headers, before: [etl.controlHandler, bodyLimit(), signInRateLimit()], after }));
    const publicPort = await listen(publicServer, config.PORT, config.HOST);
    servers.push(publicServer);
    const adminPort = await listen(adminServer, config.ADMIN_PORT, config.ADMIN_HOST);
    servers.push(adminServer);
    etl.publishControl(`http://${config.ADMIN_HOST}:${adminPort}`);
    stops.unshift(async () => {
      await Promise.all(servers.map((s) => new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections(); })));
    });
    const host = config.HOST === "0.0.0.0" ? "localhost" : config.HOST;
    const platform: Platform = {
      services,
      publicUrl: `http://${host}:${publicPort}`,
      adminUrl: `http://${config.ADMIN_HOST}:${adminPort}`,
      postgres,
      async stop() {
        for (const s of stops.splice(0)) await s().catch((e) => log.error(`stop: ${(e as Error).message}`));
      },
    };
    return platform;
  } catch (e) {
    for (const s of stops.splice(0)) await s().catch(() => {});
    throw e;
  }
}

export async function main() {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  const log = createLogger(config.LOG_LEVEL);
  const platform = await startPlatform({ config, log }).catch((e) => {
    log.error(`Start-up failed: ${(e as Error).message}`);
    process.exit(1);
  });
  log.info(`CSDL Dân tộc is up: ${platform.publicUrl}  (admin: ${platform.adminUrl}/admin)`);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping…`);
    await platform.stop();
    log.info("Stopped cleanly.");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) void main();
