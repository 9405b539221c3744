import type { Db } from "../app/db/knex.server.ts";
import type { AppConfig } from "../app/platform/config.server.ts";
import type { WarehouseService } from "../warehouse/service.ts";
import { listenForApprovals, type ApprovalListener } from "./approval-listener.ts";
import { removeControlFile, writeControlFile } from "./control-file.ts";
import { etlControlHandler } from "./control-route.ts";
import { createEtlRunner, type EtlRunner } from "./runner.ts";
import type { Scheduler } from "./scheduler.ts";
import type { RequestHandler } from "express";

/**
 * The ETL inside the platform server, in one call:
 *   const etl = await startEtlServices({ db, dbUrl, warehouse, config, scheduler, log });
 * - registers job "etl" on ETL_CRON (incremental) with the scheduler;
 * - if ETL_AFTER_APPROVAL, listens for approvals and requests a run 3 s after the last one;
 * - if the warehouse was never loaded, runs a full rebuild now (awaited);
 * - `controlHandler` goes into the ADMIN listener's `before` middleware, and once
 *   that listener is up `publishControl(adminUrl)` writes <DATA_DIR>/etl-control.json
 *   so that `npm run etl` asks this process instead of opening the file.
 */
export interface EtlServices {
  runner: EtlRunner;
  controlHandler: RequestHandler;
  publishControl(adminUrl: string): void;
  stop(): Promise<void>;
}

type Log = { info(m: string): void; warn(m: string): void; error(m: string): void };

export async function startEtlServices(deps: {
  db: Db;
  dbUrl: string;
  warehouse: WarehouseService;
  config: Pick<AppConfig, "ETL_CRON" | "ETL_AFTER_APPROVAL" | "SCHEDULER" | "dataDir">;
  scheduler: Scheduler;
  log: Log;
  /** Default true: build the warehouse at start when it is empty. */
  buildIfEmpty?: boolean;
}): Promise<EtlServices> {
  const { db, warehouse, config, scheduler, log } = deps;
  const runner = createEtlRunner({ db, warehouse });
  let secret: string | null = null;

  const job = async ({ reason }: { reason: string }) => {
    const s = await runner.run({ trigger: reason === "schedule" ? "schedule" : reason === "debounced" ? "approval" : "admin", waitMs: 60_000 });
    if (s.submissionsChanged > 0 || s.mode === "full")
      log.info(`ETL ${s.mode}: ${s.submissionsChanged} submissions, +${s.factsWritten} facts, -${s.factsRetracted} retracted, ${s.seconds.toFixed(2)} s`);
  };
  scheduler.add("etl", config.SCHEDULER ? config.ETL_CRON : null, job);

  let listener: ApprovalListener | null = null;
  if (config.ETL_AFTER_APPROVAL) {
    listener = await listenForApprovals(deps.dbUrl, () => scheduler.request("etl", 3000), (m) => log.warn(m)).catch((e) => {
      log.warn(`approval listener unavailable: ${(e as Error).message}`);
      return null;
    });
  }

  if ((deps.buildIfEmpty ?? true) && !(await warehouse.isLoaded())) {
    log.info("Warehouse empty: full ETL…");
    try {
      const s = await runner.run({ mode: "full", trigger: "startup", waitMs: 60_000 });
      log.info(`Warehouse built: ${s.factsWritten} facts in ${s.seconds.toFixed(2)} s`);
    } catch (e) {
      // Data entry must not depend on the warehouse: serve anyway; the failed run is in etl_runs and on /admin/etl.
      log.error(`Warehouse build failed (the platform starts without it): ${(e as Error).message}`);
    }
  }

  return {
    runner,
    controlHandler: etlControlHandler({ etl: runner, secret: () => secret }),
    publishControl(adminUrl: string) {
      secret = writeControlFile(config.dataDir, adminUrl).secret;
    },
    async stop() {
      await listener?.stop();
      if (secret) removeControlFile(config.dataDir, secret);
    },
  };
}
