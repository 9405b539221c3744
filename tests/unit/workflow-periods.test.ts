import { describe, expect, it } from "vitest";
import { derivePeriod, isOverdue, nextPeriodStatus, periodInputSchema } from "../../app/periods/period.ts";
import { completeness, type ExpectedUnit } from "../../app/periods/completeness.ts";
import { diffValues } from "../../app/workflow/diff.ts";
import { indicatorMeta } from "./forms-fixtures.ts";

describe("reporting periods", () => {
  it("derives month, quarter, half, year and multi-year periods", () => {
    const p = (x: object) => derivePeriod(periodInputSchema.parse({ deadline: "2030-01-15", ...x }));
    expect(p({ type: "month", year: 2024, number: 2 })).toMatchObject({ code: "2024-02", start_date: "2024-02-01", end_date: "2024-02-29", reference_date: "2024-02-29", label_vi: "Tháng 2/2024" });
    expect(p({ type: "quarter", year: 2025, number: 3 })).toMatchObject({ code: "2025-Q3", start_date: "2025-07-01", end_date: "2025-09-30", label_vi: "Quý III/2025" });
    expect(p({ type: "half", year: 2025, number: 1 })).toMatchObject({ code: "2025-H1", end_date: "2025-06-30" });
    expect(p({ type: "year", year: 2021, reference_date: "2021-12-31" })).toMatchObject({ code: "2021", reference_date: "2021-12-31", label_vi: "Năm 2021" });
    expect(p({ type: "multi_year", year: 2021, end_year: 2025 })).toMatchObject({ code: "2021-2025", start_date: "2021-01-01", end_date: "2025-12-31" });
  });

  it("refuses incomplete or impossible input", () => {
    expect(periodInputSchema.safeParse({ type: "quarter", year: 2025, deadline: "2025-10-10" }).success).toBe(false);
    expect(periodInputSchema.safeParse({ type: "year", year: 2025, deadline: "2025-02-30" }).success).toBe(false);
    expect(periodInputSchema.safeParse({ type: "multi_year", year: 2025, end_year: 2024, deadline: "2026-01-01" }).success).toBe(false);
    expect(periodInputSchema.safeParse({ type: "year", year: 2025, entry_opens_on: "2026-02-01", deadline: "2026-01-01" }).success).toBe(false);
  });

  it("status commands", () => {
    expect(nextPeriodStatus("draft", "open")).toBe("open");
    expect(nextPeriodStatus("open", "close")).toBe("closed");
    expect(nextPeriodStatus("closed", "lock")).toBe("locked");
    expect(nextPeriodStatus("locked", "reopen")).toBe("open");
    expect(nextPeriodStatus("open", "reopen")).toBe(null);
    expect(nextPeriodStatus("locked", "close")).toBe(null);
  });

  it("deadline day counts as on time (ICT)", () => {
    expect(isOverdue("2025-01-15", new Date("2025-01-15T16:59:00Z"))).toBe(false);
    expect(isOverdue("2025-01-15", new Date("2025-01-15T17:00:00Z"))).toBe(true);
  });
});

describe("completeness", () => {
  const u = (unitId: number, groupId: number, status: ExpectedUnit["status"], firstSubmittedAt: string | null): ExpectedUnit => ({
    unitId, unitName: `Xã ${unitId}`, tier: "commune", groupId, groupName: `Huyện ${groupId}`, status, firstSubmittedAt, submissionId: null,
  });
  it("counts per district and overall with on-time and approved rates", () => {
    const now = new Date("2025-02-01T00:00:00Z");
    const r = completeness([
      u(1, 10, "approved", "2025-01-10T03:00:00Z"),
      u(2, 10, "submitted", "2025-01-20T03:00:00Z"),
      u(3, 10, "not_started", null),
      u(4, 11, "returned", "2025-01-14T03:00:00Z"),
    ], "2025-01-15", now);
    expect(r.overall).toMatchObject({ expected: 4, approved: 1, submitted: 1, returned: 1, notStarted: 1, overdue: 2, onTime: 2, pctOnTime: 50, pctApproved: 25, pctReported: 75 });
    expect(r.groups.map((g) => [g.groupName, g.totals.expected, g.totals.pctApproved])).toEqual([["Huyện 10", 3, 33.3], ["Huyện 11", 1, 0]]);
  });
});

describe("diff against the previous period", () => {
  it("flags big moves and implausible values without blocking", () => {
    const prev = new Map([["POP:00:T", 1000], ["HH:00:T", 200], ["HH:02:T", 50], ["VILLAGES:00:T", 5]]);
    const cur = new Map<string, number | null>([["POP:00:T", 3000], ["HH:00:T", 210], ["HH:02:T", null], ["VILLAGES:00:T", 0], ["HH:07:T", 12]]);
    const rows = new Map(diffValues(cur, prev, indicatorMeta, 1.5).map((r) => [r.cell, r.flags]));
    expect(rows.get("POP:00:T")).toEqual(["moved"]);
    expect(rows.get("HH:00:T")).toEqual([]);
    expect(rows.get("HH:02:T")).toEqual(["gone"]);
    expect(rows.get("VILLAGES:00:T")).toEqual(["moved", "implausible_low"]);
    expect(rows.get("HH:07:T")).toEqual(["new"]);
    const big = diffValues(new Map([["POP:00:T", 70000]]), null, indicatorMeta);
    expect(big[0].flags).toEqual(["implausible_high"]);
  });
});
