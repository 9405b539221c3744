import { z } from "zod";
import { parseViNumber } from "../forms/number.ts";

/**
 * One indicator of the catalogue as the admin types it (every field a string
 * from the form). `indicatorSchema` checks each field; `crossFieldErrors`
 * the rules between fields. Errors are Vietnamese, keyed by field, so the
 * page shows each one next to its input and keeps what was typed.
 */
export const FIELDS = [
  "code", "name_vi", "name_en", "domain", "unit_vi", "unit_en", "value_type", "disaggregation", "aggregation",
  "numerator_code", "denominator_code", "ratio_scale", "min_value", "max_value", "plausible_min", "plausible_max", "source", "description",
] as const;
export type Field = (typeof FIELDS)[number];
export type IndicatorRaw = Partial<Record<Field, string>>;
export type FieldErrors = Partial<Record<Field | "form", string>>;

export const VALUE_TYPES = ["integer", "decimal"] as const;
export const DISAGGREGATIONS = ["none", "ethnicity", "ethnicity_sex"] as const;
export const AGGREGATIONS = ["sum", "ratio"] as const;
/** The same code rule as a template row (app/forms/template.ts). */
export const CODE_RE = /^[A-Z0-9_]{2,40}$/;

const text = (label: string, max: number) =>
  z.string().trim().min(1, `Chưa nhập ${label}`).max(max, `${label} dài quá ${max} ký tự`);

const optText = (label: string, max: number) =>
  z.string().trim().max(max, `${label} dài quá ${max} ký tự`).transform((s) => (s === "" ? null : s));

const optNumber = (label: string) =>
  z.string().transform((s, ctx) => {
    const r = parseViNumber(s);
    if (!r.ok) {
      ctx.addIssue({ code: "custom", message: `${label} không phải là số hợp lệ (ví dụ: 1.234,5)` });
      return z.NEVER;
    }
    return r.value;
  });

const choice = <T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z.string().refine((s): s is T[number] => (values as readonly string[]).includes(s), message).transform((s) => s as T[number]);

export const indicatorSchema = z.object({
  code: z.string().trim().regex(CODE_RE, "Mã chỉ tiêu gồm 2–40 ký tự: chữ in hoa A–Z, số 0–9 và dấu gạch dưới _"),
  name_vi: text("tên tiếng Việt", 300),
  name_en: text("tên tiếng Anh", 300),
  domain: text("lĩnh vực", 40),
  unit_vi: text("đơn vị tính (tiếng Việt)", 60),
  unit_en: text("đơn vị tính (tiếng Anh)", 60),
  value_type: choice(VALUE_TYPES, "Kiểu giá trị phải là số nguyên hoặc số thập phân"),
  disaggregation: choice(DISAGGREGATIONS, "Phân tổ phải là: không phân tổ, theo dân tộc, hoặc theo dân tộc và giới tính"),
  aggregation: choice(AGGREGATIONS, "Cách tổng hợp phải là cộng dồn hoặc tỷ lệ"),
  numerator_code: optText("Mã tử số", 40),
  denominator_code: optText("Mã mẫu số", 40),
  ratio_scale: optNumber("Hệ số tỷ lệ"),
  min_value: optNumber("Giá trị nhỏ nhất"),
  max_value: optNumber("Giá trị lớn nhất"),
  plausible_min: optNumber("Ngưỡng hợp lý dưới"),
  plausible_max: optNumber("Ngưỡng hợp lý trên"),
  source: text("nguồn (văn bản quy định chỉ tiêu)", 500),
  description: optText("Mô tả", 2000),
});
export type IndicatorInput = z.infer<typeof indicatorSchema>;

/**
 * Every field parsed on its own, then the rules between the fields that
 * parsed: all errors show at once (a field's own error wins over a rule's).
 */
export function parseIndicator(raw: IndicatorRaw): { ok: true; value: IndicatorInput } | { ok: false; partial: Partial<IndicatorInput>; errors: FieldErrors } {
  const partial: Record<string, unknown> = {};
  const own: FieldErrors = {};
  const shape = indicatorSchema.shape as unknown as Record<Field, z.ZodType>;
  for (const f of FIELDS) {
    const r = shape[f].safeParse(raw[f] ?? "");
    if (r.success) partial[f] = r.data;
    else own[f] = r.error.issues[0]?.message ?? "Giá trị không hợp lệ";
  }
  const errors = { ...crossFieldErrors(partial as Partial<IndicatorInput>), ...own };
  if (Object.keys(errors).length) return { ok: false, partial: partial as Partial<IndicatorInput>, errors };
  return { ok: true, value: partial as IndicatorInput };
}

/** Rules between fields, over the fields that parsed (no database). */
export function crossFieldErrors(v: Partial<IndicatorInput>): FieldErrors {
  const e: FieldErrors = {};
  if (v.aggregation === "ratio") {
    if (!v.numerator_code) e.numerator_code = "Chỉ tiêu tỷ lệ cần mã chỉ tiêu tử số";
    if (!v.denominator_code) e.denominator_code = "Chỉ tiêu tỷ lệ cần mã chỉ tiêu mẫu số";
    if (v.numerator_code && v.numerator_code === v.denominator_code) e.denominator_code = "Mẫu số phải khác tử số";
    if (v.numerator_code === v.code) e.numerator_code = "Tử số không được là chính chỉ tiêu này";
    if (v.denominator_code === v.code) e.denominator_code = "Mẫu số không được là chính chỉ tiêu này";
    if (v.ratio_scale === null) e.ratio_scale = "Chỉ tiêu tỷ lệ cần hệ số (1; 100 cho %; 1.000 cho ‰)";
    else if (typeof v.ratio_scale === "number" && v.ratio_scale <= 0) e.ratio_scale = "Hệ số tỷ lệ phải lớn hơn 0";
    if (v.value_type === "integer") e.value_type = "Chỉ tiêu tỷ lệ là số thập phân (được tính từ tử số và mẫu số)";
  } else if (v.aggregation === "sum") {
    if (v.numerator_code) e.numerator_code = "Chỉ tiêu cộng dồn không có tử số (để trống)";
    if (v.denominator_code) e.denominator_code = "Chỉ tiêu cộng dồn không có mẫu số (để trống)";
    if (typeof v.ratio_scale === "number") e.ratio_scale = "Chỉ tiêu cộng dồn không có hệ số tỷ lệ (để trống)";
  }
  const both = (a: number | null | undefined, b: number | null | undefined) => typeof a === "number" && typeof b === "number";
  if (both(v.min_value, v.max_value) && v.min_value! > v.max_value!) e.max_value = "Giá trị lớn nhất phải ≥ giá trị nhỏ nhất";
  if (both(v.plausible_min, v.plausible_max) && v.plausible_min! > v.plausible_max!) e.plausible_max = "Ngưỡng hợp lý trên phải ≥ ngưỡng dưới";
  if (v.value_type === "integer")
    for (const f of ["min_value", "max_value"] as const) {
      const n = v[f];
      if (typeof n === "number" && !Number.isInteger(n)) e[f] = "Chỉ tiêu số nguyên cần giới hạn là số nguyên";
    }
  return e;
}

/** Field-keyed errors of a failed parse (the first message per field). */
export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const e: FieldErrors = {};
  for (const i of error.issues) {
    const f = (i.path[0] as Field | undefined) ?? "form";
    e[f] ??= i.message;
  }
  return e;
}

/** Form values as typed: only known fields, strings, trimmed to a sane length. */
export function rawFromForm(form: FormData): IndicatorRaw {
  const raw: IndicatorRaw = {};
  for (const f of FIELDS) {
    const v = form.get(f);
    if (typeof v === "string") raw[f] = v.slice(0, 4000);
  }
  return raw;
}

const DISAGG_RANK: Record<(typeof DISAGGREGATIONS)[number], number> = { none: 0, ethnicity: 1, ethnicity_sex: 2 };

/** A ratio can be broken down no finer than both its numerator and its denominator. */
export function disaggregationFits(ratio: (typeof DISAGGREGATIONS)[number], ...parts: string[]): boolean {
  return parts.every((p) => p in DISAGG_RANK && DISAGG_RANK[ratio] <= DISAGG_RANK[p as keyof typeof DISAGG_RANK]);
}
