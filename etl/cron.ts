/**
 * A small cron expression parser (5 fields: minute hour day-of-month month
 * day-of-week), in the process's local time. Supports *, lists (1,15),
 * ranges (1-5), steps (*\/5, 10-40/10), day names (mon…sun), month names
 * (jan…dec) and 7 = Sunday. As in Vixie cron, when both day-of-month and
 * day-of-week are restricted a day matching either runs.
 */
export class CronError extends Error {
  override name = "CronError";
}

export interface CronSchedule {
  source: string;
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  domRestricted: boolean;
  dowRestricted: boolean;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

function field(src: string, min: number, max: number, names?: string[], nameBase = 0): Set<number> {
  const out = new Set<number>();
  const num = (s: string): number => {
    const lower = s.toLowerCase();
    const ni = names?.indexOf(lower) ?? -1;
    if (ni >= 0) return ni + nameBase;
    if (!/^\d+$/.test(s)) throw new CronError(`giá trị không hợp lệ "${s}" / bad value`);
    return Number(s);
  };
  for (const part of src.split(",")) {
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new CronError(`phần không hợp lệ "${part}" / bad part`);
    const step = m[2] ? Number(m[2]) : 1;
    if (step < 1) throw new CronError(`bước không hợp lệ "${part}" / bad step`);
    let lo: number;
    let hi: number;
    if (m[1] === "*") {
      lo = min;
      hi = max;
    } else if (m[1]!.includes("-")) {
      const [a, b] = m[1]!.split("-");
      lo = num(a!);
      hi = num(b!);
    } else {
      lo = num(m[1]!);
      hi = m[2] ? max : lo;
    }
    if (lo < min || hi > max || lo > hi) throw new CronError(`ngoài khoảng ${min}-${max}: "${part}" / out of range`);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

export function parseCron(expr: string): CronSchedule {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) throw new CronError(`Biểu thức cron cần 5 trường, có ${parts.length}: "${expr}" / cron needs 5 fields`);
  const [mi, h, dom, mon, dow] = parts as [string, string, string, string, string];
  const weekdays = field(dow, 0, 7, DAYS);
  if (weekdays.has(7)) {
    weekdays.delete(7);
    weekdays.add(0);
  }
  return {
    source: expr,
    minutes: field(mi, 0, 59),
    hours: field(h, 0, 23),
    days: field(dom, 1, 31),
    months: field(mon, 1, 12, MONTHS, 1),
    weekdays,
    domRestricted: dom !== "*" && !dom.startsWith("*/"),
    dowRestricted: dow !== "*" && !dow.startsWith("*/"),
  };
}

function dayMatches(s: CronSchedule, d: Date): boolean {
  const domOk = s.days.has(d.getDate());
  const dowOk = s.weekdays.has(d.getDay());
  if (s.domRestricted && s.dowRestricted) return domOk || dowOk;
  return domOk && dowOk;
}

/** The first instant strictly after `after` (to the minute) that the schedule matches. */
export function nextRun(s: CronSchedule, after: Date): Date {
  const d = new Date(after.getTime());
  d.setSeconds(0, 0);
  d.setMinutes(d.getMinutes() + 1);
  const limit = after.getTime() + 5 * 366 * 86_400_000;
  while (d.getTime() <= limit) {
    if (!s.months.has(d.getMonth() + 1)) {
      d.setMonth(d.getMonth() + 1, 1);
      d.setHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(s, d)) {
      d.setDate(d.getDate() + 1);
      d.setHours(0, 0, 0, 0);
      continue;
    }
    if (!s.hours.has(d.getHours())) {
      d.setHours(d.getHours() + 1, 0, 0, 0);
      continue;
    }
    if (!s.minutes.has(d.getMinutes())) {
      d.setMinutes(d.getMinutes() + 1, 0, 0);
      continue;
    }
    return d;
  }
  throw new CronError(`Lịch "${s.source}" không bao giờ chạy / schedule never fires`);
}
