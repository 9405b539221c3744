import { describe, expect, it } from "vitest";
import { formatViNumber, parseViNumber } from "../../app/forms/number.ts";

describe("vi-VN number parsing", () => {
  it.each([
    ["1.234,5", 1234.5],
    ["1234,5", 1234.5],
    ["1234", 1234],
    ["1.234.567", 1234567],
    [" 12 345 ", 12345],
    ["12\u00a0345", 12345],
    ["0", 0],
    ["-5", -5],
    ["0,25", 0.25],
  ])("reads %j as %d", (s, v) => {
    expect(parseViNumber(s)).toEqual({ ok: true, value: v });
  });

  it("reads empty as null (cleared cell)", () => {
    expect(parseViNumber("")).toEqual({ ok: true, value: null });
    expect(parseViNumber("   ")).toEqual({ ok: true, value: null });
    expect(parseViNumber(null)).toEqual({ ok: true, value: null });
  });

  it.each([
    ["abc", "not_a_number"],
    ["12a", "not_a_number"],
    ["1e309", "not_a_number"],
    ["1e5", "not_a_number"],
    ["Infinity", "not_a_number"],
    ["NaN", "not_a_number"],
    ["--5", "not_a_number"],
    ["1,2,3", "not_a_number"],
    ["0x10", "not_a_number"],
    ["1.5", "bad_grouping"],
    ["12.34", "bad_grouping"],
    ["1.2345", "bad_grouping"],
    ["9".repeat(40), "too_long"],
    ["1".repeat(10_000), "too_long"],
    ["9999999999999999", "too_large"],
  ])("refuses %j (%s)", (s, code) => {
    expect(parseViNumber(s)).toEqual({ ok: false, code });
  });

  it("refuses non-finite numbers from spreadsheets", () => {
    expect(parseViNumber(Number.POSITIVE_INFINITY)).toEqual({ ok: false, code: "too_large" });
    expect(parseViNumber(Number.NaN)).toEqual({ ok: false, code: "too_large" });
    expect(parseViNumber(1e309)).toEqual({ ok: false, code: "too_large" });
    expect(parseViNumber(42.5)).toEqual({ ok: true, value: 42.5 });
  });

  it("formats in vi-VN", () => {
    expect(formatViNumber(1234.5)).toBe("1.234,5");
    expect(formatViNumber(1234567)).toBe("1.234.567");
    expect(formatViNumber(null)).toBe("");
    // round trip
    expect(parseViNumber(formatViNumber(98765.4321))).toEqual({ ok: true, value: 98765.4321 });
  });
});
