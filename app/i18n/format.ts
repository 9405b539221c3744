import type { Lang } from "./i18n.ts";

/** vi-VN: 1.234.567,8 and dd/mm/yyyy; English keeps the same dates for officials' consistency. */
const locale = (lang: Lang) => (lang === "en" ? "en-GB" : "vi-VN");

export function formatNumber(n: number | null | undefined, lang: Lang = "vi", maxFractionDigits = 2): string {
  if (n === null || n === undefined || Number.isNaN(n)) return "";
  return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: maxFractionDigits }).format(n);
}

export function formatDate(d: string | Date | null | undefined, lang: Lang = "vi"): string {
  if (!d) return "";
  const date = typeof d === "string" ? new Date(d.length === 10 ? `${d}T00:00:00Z` : d) : d;
  return new Intl.DateTimeFormat(locale(lang), { day: "2-digit", month: "2-digit", year: "numeric", timeZone: "Asia/Ho_Chi_Minh" }).format(date);
}

export function formatDateTime(d: string | Date | null | undefined, lang: Lang = "vi"): string {
  if (!d) return "";
  const date = typeof d === "string" ? new Date(d) : d;
  return new Intl.DateTimeFormat(locale(lang), { day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "Asia/Ho_Chi_Minh" }).format(date);
}
