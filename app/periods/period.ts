import { z } from "zod";

/**
 * Reporting periods: month, quarter, half-year, year or several years. A
 * period is derived from its type and number, with a reference date ("số
 * liệu tính đến …", by default the last day), an entry window and a deadline.
 */
export const PERIOD_TYPES = ["month", "quarter", "half", "year", "multi_year"] as const;
export type PeriodType = (typeof PERIOD_TYPES)[number];
export const PERIOD_STATUSES = ["draft", "open", "closed", "locked"] as const;
export type PeriodStatusValue = (typeof PERIOD_STATUSES)[number];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "ngày dạng YYYY-MM-DD / date as YYYY-MM-DD").refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), "ngày không tồn tại / no such date");
const emptyToUndef = (v: unknown) => (v === "" || v === null ? undefined : v);

export const periodInputSchema = z
  .object({
    type: z.enum(PERIOD_TYPES, { message: "Loại kỳ không hợp lệ / invalid period type" }),
    year: z.coerce.number().int().min(2000, "Năm từ 2000 / year ≥ 2000").max(2100),
    end_year: z.preprocess(emptyToUndef, z.coerce.number().int().min(2000).max(2100).optional()),
    number: z.preprocess(emptyToUndef, z.coerce.number().int().min(1).max(12).optional()),
    reference_date: z.preprocess(emptyToUndef, isoDate.optional()),
    entry_opens_on: z.preprocess(emptyToUndef, isoDate.optional()),
    deadline: isoDate,
  })
  .superRefine((p, ctx) => {
    const need = (max: number, what: string) => {
      if (p.number === undefined || p.number > max) ctx.addIssue({ code: "custom", path: ["number"], message: `Chọn ${what} (1–${max})` });
    };
    if (p.type === "month") need(12, "tháng");
    if (p.type === "quarter") need(4, "quý");
    if (p.type === "half") need(2, "nửa năm");
    if (p.type === "multi_year" && (p.end_year === undefined || p.end_year <= p.year))
      ctx.addIssue({ code: "custom", path: ["end_year"], message: "Năm kết thúc phải sau năm bắt đầu / end year after start year" });
    if (p.entry_opens_on && p.entry_opens_on > p.deadline) ctx.addIssue({ code: "custom", path: ["deadline"], message: "Hạn nộp phải sau ngày mở nhập / deadline after entry opens" });
  });
export type PeriodInput = z.infer<typeof periodInputSchema>;

export interface PeriodRow {
  code: string;
  type: PeriodType;
  year: number;
  end_year: number | null;
  half: number | null;
  quarter: number | null;
  month: number | null;
  start_date: string;
  end_date: string;
  reference_date: string;
  entry_opens_on: string | null;
  deadline: string;
  label_vi: string;
  label_en: string;
}

const pad = (n: number) => String(n).padStart(2, "0");
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const ymd = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;

export function derivePeriod(p: PeriodInput): PeriodRow {
  let startM = 1;
  let endM = 12;
  let endY = p.year;
  let code = String(p.year);
  let vi = `Năm ${p.year}`;
  let en = `Year ${p.year}`;
  const row = { half: null as number | null, quarter: null as number | null, month: null as number | null, end_year: null as number | null };
  if (p.type === "month") {
    startM = endM = p.number!;
    code = `${p.year}-${pad(p.number!)}`;
    vi = `Tháng ${p.number}/${p.year}`;
    en = `${p.year}-${pad(p.number!)}`;
    row.month = p.number!;
  } else if (p.type === "quarter") {
    startM = (p.number! - 1) * 3 + 1;
    endM = startM + 2;
    code = `${p.year}-Q${p.number}`;
    vi = `Quý ${["I", "II", "III", "IV"][p.number! - 1]}/${p.year}`;
    en = `Q${p.number} ${p.year}`;
    row.quarter = p.number!;
  } else if (p.type === "half") {
    startM = p.number === 1 ? 1 : 7;
    endM = p.number === 1 ? 6 : 12;
    code = `${p.year}-H${p.number}`;
    vi = `${p.number === 1 ? "6 tháng đầu năm" : "6 tháng cuối năm"} ${p.year}`;
    en = `H${p.number} ${p.year}`;
    row.half = p.number!;
  } else if (p.type === "multi_year") {
    endY = p.end_year!;
    code = `${p.year}-${endY}`;
    vi = `Giai đoạn ${p.year}–${endY}`;
    en = `${p.year}–${endY}`;
    row.end_year = endY;
  }
  const end = ymd(endY, endM, lastDay(endY, endM));
  return {
    code,
    type: p.type,
    year: p.year,
    ...row,
    start_date: ymd(p.year, startM, 1),
    end_date: end,
    reference_date: p.reference_date ?? end,
    entry_opens_on: p.entry_opens_on ?? null,
    deadline: p.deadline,
    label_vi: vi,
    label_en: en,
  };
}

/** Admin moves between period states: draft → open → closed → locked; reopen from closed or locked. */
export type PeriodCommand = "open" | "close" | "lock" | "reopen";
export function nextPeriodStatus(from: PeriodStatusValue, cmd: PeriodCommand): PeriodStatusValue | null {
  switch (cmd) {
    case "open":
      return from === "draft" ? "open" : null;
    case "close":
      return from === "open" ? "closed" : null;
    case "lock":
      return from === "closed" || from === "open" ? "locked" : null;
    case "reopen":
      return from === "closed" || from === "locked" ? "open" : null;
  }
}

export const PERIOD_STATUS_LABELS: Record<PeriodStatusValue, { vi: string; en: string }> = {
  draft: { vi: "Chưa mở", en: "Draft" },
  open: { vi: "Đang mở nhập", en: "Open" },
  closed: { vi: "Đã đóng", en: "Closed" },
  locked: { vi: "Đã khóa sổ", en: "Locked" },
};

/** Today in the province's calendar (Asia/Ho_Chi_Minh), as YYYY-MM-DD. */
export function todayIct(now = new Date()): string {
  return new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

/** Past the deadline? The deadline day itself still counts as on time. */
export function isOverdue(deadline: string, now = new Date()): boolean {
  return todayIct(now) > deadline;
}
