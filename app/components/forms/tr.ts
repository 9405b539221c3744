import { useLang } from "../../i18n/use-t.ts";

/** Vietnamese first, English beside it: `tr("Lưu nháp", "Save draft")` picks by the user's language. */
export function useTr() {
  const lang = useLang();
  return (vi: string, en: string) => (lang === "en" ? en : vi);
}
