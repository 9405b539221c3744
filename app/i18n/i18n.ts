import { vi, type MessageKey } from "./vi.ts";
import { en } from "./en.ts";

export type Lang = "vi" | "en";
export const LANG_COOKIE = "lang";

export function translate(lang: Lang, key: MessageKey | string, params?: Record<string, string | number>): string {
  const dict = lang === "en" ? (en as Record<string, string | undefined>) : (vi as Record<string, string>);
  let s = dict[key] ?? (vi as Record<string, string>)[key] ?? key;
  if (params) for (const [k, v] of Object.entries(params)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

export function langFromRequest(request: Request): Lang {
  const cookie = request.headers.get("cookie") ?? "";
  const m = cookie.match(/(?:^|;\s*)lang=(vi|en)/);
  return (m?.[1] as Lang) ?? "vi";
}

export type { MessageKey };
