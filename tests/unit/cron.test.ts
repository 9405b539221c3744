import { describe, expect, it, vi } from "vitest";
import { CronError, nextRun, parseCron } from "../../etl/cron.ts";
import { createScheduler } from "../../etl/scheduler.ts";

const at = (s: string) => new Date(s); // local time

describe("cron parser", () => {
  it("every 5 minutes", () => {
    const s = parseCron("*/5 * * * *");
    expect(nextRun(s, at("2026-01-01T10:02:30")).getTime()).toBe(at("2026-01-01T10:05:00").getTime());
    expect(nextRun(s, at("2026-01-01T10:05:00")).getTime()).toBe(at("2026-01-01T10:10:00").getTime());
    expect(nextRun(s, at("2026-01-01T23:58:00")).getTime()).toBe(at("2026-01-02T00:00:00").getTime());
  });
  it("lists, ranges, names and day-of-week (backups Tue/Fri 18:00)", () => {
    const s = parseCron("0 18 * * 2,5");
    // 2026-01-01 is a Thursday → Friday 2 Jan 18:00
    expect(nextRun(s, at("2026-01-01T19:00:00")).getTime()).toBe(at("2026-01-02T18:00:00").getTime());
    expect(nextRun(s, at("2026-01-02T18:00:00")).getTime()).toBe(at("2026-01-06T18:00:00").getTime());
    expect(parseCron("0 9 * jan-mar mon-fri").months).toEqual(new Set([1, 2, 3]));
    expect(parseCron("0 0 * * 7").weekdays).toEqual(new Set([0]));
    expect([...parseCron("10-40/10 * * * *").minutes]).toEqual([10, 20, 30, 40]);
  });
  it("day-of-month OR day-of-week when both are restricted", () => {
    const s = parseCron("0 0 13 * 5");
    // from Thu 1 Jan 2026: Fri 2 Jan matches the weekday
    expect(nextRun(s, at("2026-01-01T01:00:00")).getTime()).toBe(at("2026-01-02T00:00:00").getTime());
  });
  it("leap day and month ends", () => {
    expect(nextRun(parseCron("0 0 29 2 *"), at("2026-03-01T00:00:00")).getTime()).toBe(at("2028-02-29T00:00:00").getTime());
    expect(nextRun(parseCron("30 12 31 * *"), at("2026-04-01T00:00:00")).getTime()).toBe(at("2026-05-31T12:30:00").getTime());
  });
  it("rejects bad expressions with a clear message", () => {
    expect(() => parseCron("* * * *")).toThrow(CronError);
    expect(() => parseCron("61 * * * *")).toThrow(/ngoài khoảng/);
    expect(() => parseCron("*/0 * * * *")).toThrow(CronError);
    expect(() => parseCron("x * * * *")).toThrow(CronError);
    expect(() => nextRun(parseCron("0 0 31 2 *"), new Date())).toThrow(/không bao giờ/);
  });
});

describe("scheduler", () => {
  it("runs a job on its schedule and never overlaps it", async () => {
    vi.useFakeTimers({ now: at("2026-01-01T10:00:30") });
    try {
      const sch = createScheduler();
      let active = 0;
      let maxActive = 0;
      let runs = 0;
      sch.add("etl", "* * * * *", async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        runs++;
        await new Promise((r) => setTimeout(r, 150_000)); // longer than two ticks
        active--;
      });
      sch.start();
      await vi.advanceTimersByTimeAsync(30_000); // 10:01 tick → starts
      expect(runs).toBe(1);
      await vi.advanceTimersByTimeAsync(120_000); // 10:02, 10:03 ticks skipped while running
      expect(runs).toBe(1);
      expect(sch.list()[0]!.skipped).toBe(2);
      await vi.advanceTimersByTimeAsync(60_000); // finished at 10:03:30, 10:04 tick runs
      expect(runs).toBe(2);
      expect(maxActive).toBe(1);
      const stopping = sch.stop();
      await vi.advanceTimersByTimeAsync(200_000);
      await stopping;
      await vi.advanceTimersByTimeAsync(600_000);
      expect(runs).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("debounces requests and queues one run behind a running one", async () => {
    vi.useFakeTimers();
    try {
      const sch = createScheduler();
      const reasons: string[] = [];
      sch.add("etl", null, async ({ reason }) => {
        reasons.push(reason);
        await new Promise((r) => setTimeout(r, 1000));
      });
      sch.start();
      sch.request("etl", 2000);
      sch.request("etl", 2000);
      await vi.advanceTimersByTimeAsync(1500);
      sch.request("etl", 2000);
      await vi.advanceTimersByTimeAsync(2100); // one debounced run started
      expect(reasons).toEqual(["debounced"]);
      const a = sch.runNow("etl");
      const b = sch.runNow("etl");
      await vi.advanceTimersByTimeAsync(3000);
      await Promise.all([a, b]);
      expect(reasons).toEqual(["debounced", "manual"]); // two requests while running → one queued run
      expect(sch.list()[0]).toMatchObject({ running: false, runs: 2, lastError: null });
      await sch.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it("records a failing job's error and keeps scheduling", async () => {
    const sch = createScheduler();
    sch.add("boom", null, async () => {
      throw new Error("hỏng");
    });
    await sch.runNow("boom");
    expect(sch.list()[0]).toMatchObject({ runs: 1, lastError: "hỏng" });
    await sch.stop();
  });
});
