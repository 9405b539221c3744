import { useRouteLoaderData } from "@remix-run/react";
import { translate, type Lang } from "./i18n.ts";

/** Translation hook: the language comes from the root loader (cookie `lang`, default vi). */
export function useLang(): Lang {
  const data = useRouteLoaderData("root") as { lang?: Lang } | undefined;
  return data?.lang ?? "vi";
}

export function useT() {
  const lang = useLang();
  return (key: string, params?: Record<string, string | number>) => translate(lang, key, params);
}
