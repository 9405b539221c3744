import { indicatorSeeds } from "../../app/db/reference/indicators.ts";
import { formSeeds } from "../../app/db/reference/forms.ts";
import { templateDefinitionSchema } from "../../app/forms/template.ts";
import type { EntryContext, IndicatorMeta } from "../../app/forms/entry.ts";

export const indicatorMeta = new Map<string, IndicatorMeta>(
  indicatorSeeds.map((i) => [i.code, { ...i, min_value: i.min_value ?? null, max_value: i.max_value ?? null, plausible_min: i.plausible_min ?? null, plausible_max: i.plausible_max ?? null }]),
);
export const catalogue = new Map(indicatorSeeds.map((i) => [i.code, i]));
export const ethnicityCodes = new Set([...Array.from({ length: 54 }, (_, i) => String(i + 1).padStart(2, "0")), "55", "99"]);
export function form(code: string) {
  return templateDefinitionSchema.parse(formSeeds.find((f) => f.code === code));
}
export function entryContext(code: string): EntryContext {
  return { definition: form(code), indicators: indicatorMeta, ethnicityCodes };
}
