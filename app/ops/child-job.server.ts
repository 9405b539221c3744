import { spawn } from "node:child_process";
import path from "node:path";
import type { Knex } from "knex";
import type { AppConfig } from "../platform/config.server.ts";
import { databaseUrlOf } from "./jobs.server.ts";

/**
 * Runs the restore test in a child process (`app/ops/cli.ts restore-test`).
 * The admin page uses this: inside the Remix server bundle the warehouse and
 * ETL modules cannot find their SQL files, and a restore test is heavy work
 * better kept out of the web process anyway. The child records its own
 * backup_runs row and audit line; this resolves with its outcome.
 */
export interface ChildOutcome {
  ok: boolean;
  runId?: number;
  error?: string;
  result?: { backupName?: string; tables?: unknown[] };
}

export function runRestoreTestInChild(
  services: { db: Knex; config: Pick<AppConfig, "BACKUP_DIR" | "DATA_DIR" | "NODE_ENV" | "APP_SECRET"> },
  opts: { triggeredBy: string; timeoutMs?: number },
): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve("app/ops/cli.ts"), "restore-test"], {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrlOf(services.db),
        BACKUP_DIR: path.resolve(services.config.BACKUP_DIR),
        DATA_DIR: path.resolve(services.config.DATA_DIR),
        CSDL_TRIGGERED_BY: opts.triggeredBy,
        // the platform's own configuration, not whatever the web bundle left in process.env
        NODE_ENV: services.config.NODE_ENV,
        APP_SECRET: services.config.APP_SECRET ?? "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += String(d)));
    child.stderr.on("data", (d) => (err = (err + String(d)).slice(-4000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 30 * 60_000);
    child.on("exit", () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out) as ChildOutcome);
      } catch {
        resolve({ ok: false, error: `tiến trình kiểm tra khôi phục dừng bất thường: ${err.split("\n").filter(Boolean).slice(-2).join(" ")}` });
      }
    });
  });
}
