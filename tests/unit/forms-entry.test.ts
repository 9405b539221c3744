import { describe, expect, it } from "vitest";
import { validateEntry, buildEntrySchema } from "../../app/forms/entry.ts";
import { entryContext } from "./forms-fixtures.ts";

const bm01 = entryContext("BM01-DANSO");
const bm03 = entryContext("BM03-HATANG");
const bm04 = entryContext("BM04-CHINHSACH");

/** A complete, consistent BM01: Tày and Nùng. */
const goodBm01 = {
  "POP:00:M": "1.200", "POP:00:F": "1.300",
  "POP:02:M": "700", "POP:02:F": "800",
  "POP:07:M": "500", "POP:07:F": "500",
  "HH:00:T": "600", "HH:02:T": "350", "HH:07:T": "250",
};

function errorsOf(r: ReturnType<typeof validateEntry>) {
  return r.ok ? [] : r.errors.map((e) => [e.cell, e.code]);
}

describe("entry checks built from a template", () => {
  it("accepts a complete consistent form and derives T = M + F", () => {
    const r = validateEntry(bm01, goodBm01, "submit");
    expect(r.ok).toBe(true);
    expect(r.values.get("POP:00:T")).toBe(2500);
    expect(r.values.get("POP:02:T")).toBe(1500);
    expect(r.values.get("HH:02:T")).toBe(350);
  });

  it("the schema is a zod schema whose issues are keyed by cell", () => {
    const r = buildEntrySchema(bm01, "submit").safeParse({ ...goodBm01, "HH:00:T": "x" });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].path).toEqual(["HH:00:T"]);
  });

  it("required: refuses a submit with missing totals, names every missing cell, keeps typed values", () => {
    const r = validateEntry(bm01, { "POP:02:M": "5" }, "submit");
    expect(r.ok).toBe(false);
    expect(errorsOf(r)).toEqual(expect.arrayContaining([["POP:00:M", "total_missing"], ["POP:00:F", "required"], ["HH:00:T", "required"]]));
    expect(r.values.get("POP:02:M")).toBe(5);
  });

  it("a draft may be partial", () => {
    const r = validateEntry(bm01, { "POP:02:M": "5" }, "draft");
    expect(r.ok).toBe(true);
  });

  it("sum_equals_total: the ethnic breakdown must add up, per sex", () => {
    const r = validateEntry(bm01, { ...goodBm01, "POP:07:F": "499" }, "submit");
    expect(errorsOf(r)).toEqual([["POP:00:F", "sum_mismatch"]]);
    if (!r.ok) {
      expect(r.errors[0].vi).toBe("Tổng các dân tộc (1.299) không bằng số tổng (1.300)");
      expect(r.errors[0].en).toContain("does not equal the total");
    }
  });

  it("sum_equals_total: a non-zero total with no breakdown is refused", () => {
    const r = validateEntry(bm01, { "POP:00:M": "10", "POP:00:F": "0", "HH:00:T": "3", "POP:02:M": "10", "POP:02:F": "0" }, "submit");
    expect(errorsOf(r)).toEqual([["HH:00:T", "breakdown_missing"]]);
  });

  it("lte: households cannot exceed population (compared per ethnic group, T derived from M+F)", () => {
    const r = validateEntry(bm01, { ...goodBm01, "HH:00:T": "2.600", "HH:02:T": "2.350" }, "submit");
    expect(errorsOf(r)).toEqual(expect.arrayContaining([["HH:00:T", "lte"], ["HH:02:T", "lte"]]));
    if (!r.ok) expect(r.errors.find((e) => e.cell === "HH:02:T")!.vi).toBe("Số hộ không thể lớn hơn dân số");
  });

  it("lte with the generic message names both indicators in vi-VN numbers", () => {
    const r = validateEntry(bm03, { "VILLAGES:00:T": "10", "VILLAGES_GRID:00:T": "12", "VILLAGES_PAVED_ROAD:00:T": "3", "HEALTH_STATION_STD:00:T": "1", "HH_CLEAN_WATER:00:T": "0" }, "submit");
    expect(errorsOf(r)).toEqual([["VILLAGES_GRID:00:T", "lte"]]);
  });

  it("min/max from the template row and the catalogue", () => {
    const base = { "VILLAGES:00:T": "10", "VILLAGES_GRID:00:T": "5", "VILLAGES_PAVED_ROAD:00:T": "3", "HH_CLEAN_WATER:00:T": "0" };
    expect(errorsOf(validateEntry(bm03, { ...base, "HEALTH_STATION_STD:00:T": "2" }, "submit"))).toEqual([["HEALTH_STATION_STD:00:T", "above_max"]]);
    expect(errorsOf(validateEntry(bm03, { ...base, "VILLAGES:00:T": "0", "VILLAGES_GRID:00:T": "0", "VILLAGES_PAVED_ROAD:00:T": "0", "HEALTH_STATION_STD:00:T": "1" }, "submit"))).toEqual([["VILLAGES:00:T", "below_min"]]);
    const r = validateEntry(bm03, { ...base, "HEALTH_STATION_STD:00:T": "2" }, "draft");
    expect(!r.ok && r.errors[0].vi).toBe("Giá trị không được vượt quá 1");
  });

  it("garbage is refused cell by cell, in Vietnamese with English beside", () => {
    const r = validateEntry(bm01, {
      "POP:00:M": "abc", "POP:00:F": "-3", "HH:00:T": "1e309", "POP:02:M": "12,5", "POP:02:F": "9".repeat(5000),
    }, "draft");
    expect(errorsOf(r)).toEqual([
      ["POP:00:M", "not_a_number"], ["POP:00:F", "negative"], ["HH:00:T", "not_a_number"], ["POP:02:M", "not_integer"], ["POP:02:F", "too_long"],
    ]);
    if (!r.ok) {
      expect(r.errors[1].vi).toBe("Không được nhập số âm");
      expect(r.errors[1].en).toBe("Negative values are not allowed");
      expect(r.errors[3].vi).toBe("Chỉ tiêu này phải là số nguyên");
    }
  });

  it("decimal indicators take decimals (vi-VN comma), at most 4 places", () => {
    const base = { "P1719_ALLOCATED:00:T": "1.500,25", "P1719_DISBURSED:00:T": "1.200,5", "HH_HOUSING_SUPPORT:00:T": "3", "HH_LAND_SUPPORT:00:T": "0" };
    const r = validateEntry(bm04, base, "submit");
    expect(r.ok).toBe(true);
    expect(r.values.get("P1719_ALLOCATED:00:T")).toBe(1500.25);
    expect(errorsOf(validateEntry(bm04, { ...base, "P1719_DISBURSED:00:T": "1,123456" }, "submit"))).toEqual([["P1719_DISBURSED:00:T", "too_many_decimals"]]);
    expect(errorsOf(validateEntry(bm04, { ...base, "P1719_DISBURSED:00:T": "2.000" }, "submit"))).toEqual([["P1719_DISBURSED:00:T", "lte"]]);
  });

  it("cells outside the form are refused (unknown indicator, unknown group, wrong sex)", () => {
    const r = validateEntry(bm01, { ...goodBm01, "VILLAGES:00:T": "3", "POP:77:M": "1", "HH:02:M": "1" }, "draft");
    expect(errorsOf(r)).toEqual([["VILLAGES:00:T", "unknown_cell"], ["POP:77:M", "unknown_cell"], ["HH:02:M", "unknown_cell"]]);
  });

  it("a cleared cell is kept as null (values are never deleted)", () => {
    const r = validateEntry(bm01, { "HH:02:T": "" }, "draft");
    expect(r.ok && r.values.has("HH:02:T") && r.values.get("HH:02:T")).toBe(null);
  });
});
