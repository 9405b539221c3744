import type { Scheduler } from "../../etl/scheduler.ts";
import type { JobServices } from "./jobs.server.ts";
import { runBackup, runRestoreTest } from "./jobs.server.ts";

/**
 * Registers the two safety jobs on the platform scheduler:
 *   "backup"       on BACKUP_CRON       (default twice per working week)
 *   "restore-test" on RESTORE_TEST_CRON (default Friday evening, after the backup)
 * A failure is recorded in backup_runs (shown on /admin/backups) and logged;
 * it does not throw into the scheduler.
 */
export function registerSafetyJobs(scheduler: Pick<Scheduler, "add">, services: JobServices, log: { info(m: string): void; error(m: string): void }): void {
  scheduler.add("backup", services.config.BACKUP_CRON, async () => {
    const r = await runBackup(services, { triggeredBy: "scheduler" });
    if (r.ok) log.info(`Backup ${r.result!.name}: ${r.result!.rows} rows${r.result!.pruned.length ? `, pruned ${r.result!.pruned.join(", ")}` : ""}`);
    else log.error(`Backup failed: ${r.error}`);
    return r;
  });
  scheduler.add("restore-test", services.config.RESTORE_TEST_CRON, async () => {
    const r = await runRestoreTest(services, { triggeredBy: "scheduler" });
    if (r.ok) log.info(`Restore test of ${r.result!.backupName}: passed`);
    else log.error(`Restore test FAILED: ${r.error}`);
    return r;
  });
}
