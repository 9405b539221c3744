import { describe, expect, it } from "vitest";
import { crossFieldErrors, disaggregationFits, fieldErrorsOf, indicatorSchema, parseIndicator, FIELDS } from "../../app/indicators/indicator-schema.ts";

const base = Object.fromEntries(FIELDS.map((f) => [f, ""])) as Record<string, string>;
const sum = { ...base, code: "HH_INTERNET", name_vi: "Số hộ có Internet", name_en: "Households with Internet", domain: "infrastructure", unit_vi: "Hộ", unit_en: "households", value_type: "integer", disaggregation: "ethnicity", aggregation: "sum", min_value: "0", plausible_max: "15.000", source: "Điều tra 53 DTTS" };

describe("indicator schema", () => {
  it("parses a sum indicator, numbers in vi-VN", () => {
    const p = indicatorSchema.parse(sum);
    expect(p).toMatchObject({ code: "HH_INTERNET", min_value: 0, plausible_max: 15000, numerator_code: null, ratio_scale: null, description: null });
    expect(crossFieldErrors(p)).toEqual({});
  });

  it("keys every bad field with a Vietnamese message", () => {
    const r = indicatorSchema.safeParse({ ...sum, code: "hh-net", name_en: " ", value_type: "float", max_value: "1e309", plausible_min: "1.5" });
    expect(r.success).toBe(false);
    if (r.success) return;
    const e = fieldErrorsOf(r.error);
    expect(Object.keys(e).sort()).toEqual(["code", "max_value", "name_en", "plausible_min", "value_type"]);
    expect(e.code).toContain("chữ in hoa");
    expect(e.name_en).toBe("Chưa nhập tên tiếng Anh");
  });

  it("ratio rules: numerator, denominator, scale, decimal; sum indicators have none of them", () => {
    const ratio = indicatorSchema.parse({ ...sum, code: "NET_RATE", aggregation: "ratio", value_type: "integer", numerator_code: "HH", denominator_code: "HH", ratio_scale: "0", min_value: "" });
    expect(crossFieldErrors(ratio)).toEqual({
      denominator_code: "Mẫu số phải khác tử số",
      ratio_scale: "Hệ số tỷ lệ phải lớn hơn 0",
      value_type: expect.stringContaining("số thập phân"),
    });
    const stray = indicatorSchema.parse({ ...sum, numerator_code: "HH", ratio_scale: "100" });
    expect(Object.keys(crossFieldErrors(stray)).sort()).toEqual(["numerator_code", "ratio_scale"]);
    const ranges = indicatorSchema.parse({ ...sum, min_value: "10", max_value: "5", plausible_min: "9", plausible_max: "1", });
    expect(Object.keys(crossFieldErrors(ranges)).sort()).toEqual(["max_value", "plausible_max"]);
    expect(crossFieldErrors(indicatorSchema.parse({ ...sum, min_value: "0,5" }))).toEqual({ min_value: "Chỉ tiêu số nguyên cần giới hạn là số nguyên" });
  });

  it("shows every error at once: a field's own and the rules between the fields that parsed", () => {
    const r = parseIndicator({ ...sum, name_en: "", aggregation: "ratio", value_type: "integer", numerator_code: "", ratio_scale: "", min_value: "" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(["denominator_code", "name_en", "numerator_code", "ratio_scale", "value_type"]);
    expect(parseIndicator(sum)).toMatchObject({ ok: true, value: { code: "HH_INTERNET" } });
  });

  it("a ratio is broken down no finer than its parts", () => {
    expect(disaggregationFits("ethnicity", "ethnicity_sex", "ethnicity")).toBe(true);
    expect(disaggregationFits("ethnicity_sex", "ethnicity_sex", "ethnicity")).toBe(false);
    expect(disaggregationFits("none", "none")).toBe(true);
  });
});
