/**
 * Numbers as a Vietnamese clerk types them: "." groups thousands, "," marks
 * the decimals ("1.234,5" = 1234.5). Plain "1234" and "1234,5" are fine too;
 * spaces (also non-breaking) between groups are ignored. Anything else —
 * letters, exponents ("1e309"), several signs, absurd lengths — is refused
 * with a reason the form can show next to the cell.
 */
export type NumberParse =
  | { ok: true; value: number | null }
  | { ok: false; code: "too_long" | "not_a_number" | "bad_grouping" | "too_large" };

/** numeric(20,4): 16 integer digits; keep well inside a double's exact range. */
export const MAX_ABS_VALUE = 1e15;
const MAX_INPUT_LENGTH = 32;

export function parseViNumber(input: string | number | null | undefined): NumberParse {
  if (input === null || input === undefined) return { ok: true, value: null };
  if (typeof input === "number") {
    if (!Number.isFinite(input)) return { ok: false, code: "too_large" };
    if (Math.abs(input) >= MAX_ABS_VALUE) return { ok: false, code: "too_large" };
    return { ok: true, value: input };
  }
  if (input.length > 200) return { ok: false, code: "too_long" };
  const s = input.replace(/[\s\u00a0\u202f]/g, "");
  if (s === "") return { ok: true, value: null };
  if (s.length > MAX_INPUT_LENGTH) return { ok: false, code: "too_long" };
  const m = /^([+-]?)(\d+(?:\.\d{3})*|\d+)(?:,(\d+))?$/.exec(s);
  if (!m) {
    // "1.5" or "12.34": a dot that cannot be a thousands separator
    if (/^[+-]?\d[\d.]*(,\d+)?$/.test(s)) return { ok: false, code: "bad_grouping" };
    return { ok: false, code: "not_a_number" };
  }
  const [, sign, intPart, frac] = m;
  if (intPart.includes(".") && !/^\d{1,3}(\.\d{3})+$/.test(intPart)) return { ok: false, code: "bad_grouping" };
  const digits = intPart.replace(/\./g, "");
  const value = Number(`${sign}${digits}${frac ? `.${frac}` : ""}`);
  if (!Number.isFinite(value) || Math.abs(value) >= MAX_ABS_VALUE) return { ok: false, code: "too_large" };
  return { ok: true, value: value === 0 ? 0 : value };
}

const viFormat = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 4 });

/** 1234.5 → "1.234,5"; null → "". */
export function formatViNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "";
  return viFormat.format(v);
}

export function decimalPlaces(v: number): number {
  const s = String(v);
  if (s.includes("e-")) return Number(s.split("e-")[1]);
  const i = s.indexOf(".");
  return i < 0 ? 0 : s.length - i - 1;
}
