/**
 * vi-VN number formats for charts and tables (1.234.567,8). Pure and
 * dependency-free so the browser bundle can use the same functions.
 */
export type Lang = "vi" | "en";

const cache = new Map<string, Intl.NumberFormat>();
function nf(lang: Lang, digits: number): Intl.NumberFormat {
  const k = `${lang}:${digits}`;
  let f = cache.get(k);
  if (!f) {
    f = new Intl.NumberFormat(lang === "en" ? "en-GB" : "vi-VN", { maximumFractionDigits: digits });
    cache.set(k, f);
  }
  return f;
}

export function fmtNumber(v: number | null | undefined, lang: Lang = "vi", digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  return nf(lang, digits).format(v);
}

/** A value with its unit: "12,5 %", "1.234 Hộ". */
export function fmtValue(v: number | null | undefined, unit: string | undefined, lang: Lang = "vi", digits = 2): string {
  const s = fmtNumber(v, lang, digits);
  if (s === "–" || !unit) return s;
  return unit === "%" || unit === "‰" ? `${s} ${unit}` : `${s} ${unit.toLowerCase()}`;
}

/** Compact axis labels: 12.000 → "12 N" (from 10.000; 1.500 stays "1.500"), 3.400.000 → "3,4 Tr" (vi) / "12k", "3.4M" (en). */
export function fmtCompact(v: number, lang: Lang = "vi"): string {
  const a = Math.abs(v);
  const units: [number, string, string][] = [
    [1e9, " Tỷ", "B"],
    [1e6, " Tr", "M"],
    [1e3, " N", "k"],
  ];
  for (const [n, vi, en] of units) if (a >= n * (n === 1e3 ? 10 : 1)) return fmtNumber(v / n, lang, 1) + (lang === "en" ? en : vi);
  return fmtNumber(v, lang, 2);
}
