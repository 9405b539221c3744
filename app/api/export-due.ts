import { nextRun, parseCron } from "../../etl/cron.ts";

/**
 * When is a scheduled export due, and when is a failed one retried? Pure
 * functions over the schedule and its history, so the minute tick of the
 * export job decides from the database alone (schedules edited on the admin
 * page need no re-registration).
 */
export interface ScheduleLike {
  cron: string;
  enabled: boolean;
  createdAt: Date;
}

/** Due when the schedule's next tick after its last run (or creation) has passed. */
export function isDue(s: ScheduleLike, lastStartedAt: Date | null, now: Date): boolean {
  if (!s.enabled) return false;
  const after = lastStartedAt ?? s.createdAt;
  return nextRun(parseCron(s.cron), after).getTime() <= now.getTime();
}

/** Back-off before attempt n+1: 5, 15, 45 … minutes. */
export function retryDelayMs(attempt: number): number {
  return 5 * 60_000 * 3 ** Math.max(0, attempt - 1);
}

export function validateCron(expr: string): string | null {
  try {
    parseCron(expr);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
