import { nextRun, parseCron, type CronSchedule } from "./cron.ts";

/**
 * In-process job scheduler: named jobs on cron expressions (ETL, backups,
 * exports…). A job never overlaps itself: a tick that finds it running is
 * skipped, a manual/debounced request made while it runs is queued once and
 * runs right after. stop() clears the timers and waits for running jobs.
 */
export type JobReason = "schedule" | "manual" | "debounced";
export type JobFn = (ctx: { reason: JobReason; name: string }) => Promise<unknown>;

export interface JobStatus {
  name: string;
  cron: string | null;
  next: string | null;
  running: boolean;
  runs: number;
  skipped: number;
  lastStartedAt: string | null;
  lastFinishedAt: string | null;
  lastError: string | null;
}

export interface Scheduler {
  /** cron null = only manual / debounced runs. */
  add(name: string, cron: string | null, fn: JobFn): void;
  /** Run now (or right after the current run). Resolves when that run finishes. */
  runNow(name: string, reason?: JobReason): Promise<void>;
  /** Ask for a run `delayMs` after the last request (debounce, e.g. after approvals). */
  request(name: string, delayMs: number): void;
  list(): JobStatus[];
  start(): void;
  stop(): Promise<void>;
}

interface Job {
  name: string;
  schedule: CronSchedule | null;
  fn: JobFn;
  timer: NodeJS.Timeout | null;
  debounce: NodeJS.Timeout | null;
  next: Date | null;
  current: Promise<void> | null;
  queued: { reason: JobReason; waiters: (() => void)[] } | null;
  status: JobStatus;
}

export function createScheduler(opts: { log?: (msg: string, extra?: Record<string, unknown>) => void; now?: () => Date } = {}): Scheduler {
  const jobs = new Map<string, Job>();
  const log = opts.log ?? (() => undefined);
  const now = opts.now ?? (() => new Date());
  let started = false;
  let stopped = false;

  const MAX_TIMEOUT = 2 ** 31 - 1;

  function arm(job: Job) {
    if (job.timer) clearTimeout(job.timer);
    job.timer = null;
    if (!job.schedule || !started || stopped) return;
    job.next = nextRun(job.schedule, now());
    job.status.next = job.next.toISOString();
    const delay = Math.min(Math.max(0, job.next.getTime() - Date.now()), MAX_TIMEOUT);
    job.timer = setTimeout(() => {
      if (job.next && job.next.getTime() > Date.now() + 1000) return arm(job); // clamped long wait
      if (job.current) {
        job.status.skipped++;
        log(`job ${job.name}: previous run still going, tick skipped`);
      } else void execute(job, "schedule");
      arm(job);
    }, delay);
    job.timer.unref?.();
  }

  function execute(job: Job, reason: JobReason): Promise<void> {
    job.status.running = true;
    job.status.lastStartedAt = new Date().toISOString();
    job.current = (async () => {
      try {
        await job.fn({ reason, name: job.name });
        job.status.lastError = null;
      } catch (e) {
        job.status.lastError = e instanceof Error ? e.message : String(e);
        log(`job ${job.name} failed: ${job.status.lastError}`);
      } finally {
        job.status.runs++;
        job.status.running = false;
        job.status.lastFinishedAt = new Date().toISOString();
        job.current = null;
        const q = job.queued;
        job.queued = null;
        if (q && !stopped) void execute(job, q.reason).then(() => q.waiters.forEach((w) => w()));
        else q?.waiters.forEach((w) => w());
      }
    })();
    return job.current;
  }

  const get = (name: string) => {
    const j = jobs.get(name);
    if (!j) throw new Error(`unknown job ${name}`);
    return j;
  };

  function runNow(name: string, reason: JobReason = "manual"): Promise<void> {
    const job = get(name);
    if (stopped) return Promise.resolve();
    if (!job.current) return execute(job, reason);
    return new Promise<void>((resolve) => {
      job.queued ??= { reason, waiters: [] };
      job.queued.waiters.push(resolve);
    });
  }

  return {
    runNow,
    add(name, cron, fn) {
      if (jobs.has(name)) throw new Error(`job ${name} already exists`);
      const job: Job = {
        name,
        schedule: cron ? parseCron(cron) : null,
        fn,
        timer: null,
        debounce: null,
        next: null,
        current: null,
        queued: null,
        status: { name, cron, next: null, running: false, runs: 0, skipped: 0, lastStartedAt: null, lastFinishedAt: null, lastError: null },
      };
      jobs.set(name, job);
      arm(job);
    },
    request(name, delayMs) {
      const job = get(name);
      if (stopped) return;
      if (job.debounce) clearTimeout(job.debounce);
      job.debounce = setTimeout(() => {
        job.debounce = null;
        void runNow(name, "debounced");
      }, delayMs);
      job.debounce.unref?.();
    },
    list() {
      return [...jobs.values()].map((j) => ({ ...j.status }));
    },
    start() {
      started = true;
      for (const j of jobs.values()) arm(j);
    },
    async stop() {
      stopped = true;
      for (const j of jobs.values()) {
        if (j.timer) clearTimeout(j.timer);
        if (j.debounce) clearTimeout(j.debounce);
        j.timer = j.debounce = null;
        j.queued?.waiters.forEach((w) => w());
        j.queued = null;
      }
      await Promise.all([...jobs.values()].map((j) => j.current ?? Promise.resolve()));
    },
  };
}
