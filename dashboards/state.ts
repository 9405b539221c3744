import { z } from "zod";

/**
 * Dashboard filter state, carried in the URL (?period=2024&unit=12&eth=02&domain=poverty)
 * so a link reproduces the view. Parsing never throws: bad values are dropped
 * and reported, the dashboard falls back to its defaults.
 */
export const filterStateSchema = z.object({
  period: z.string().regex(/^[0-9A-Za-z-]{4,20}$/).nullable().default(null),
  unit: z.coerce.number().int().positive().nullable().default(null),
  eth: z.string().regex(/^\d{2}$/).nullable().default(null),
  domain: z.enum(["population", "poverty", "infrastructure", "education", "health", "policy"]).nullable().default(null),
});
export type FilterState = z.output<typeof filterStateSchema>;

export function parseFilterState(params: URLSearchParams): { state: FilterState; dropped: string[] } {
  const state: Record<string, unknown> = {};
  const dropped: string[] = [];
  for (const key of ["period", "unit", "eth", "domain"] as const) {
    const raw = params.get(key);
    if (raw === null || raw === "") continue;
    const one = filterStateSchema.shape[key].safeParse(raw);
    if (one.success) state[key] = one.data;
    else dropped.push(key);
  }
  return { state: filterStateSchema.parse(state), dropped };
}

export function filterStateToSearch(s: Partial<FilterState>): string {
  const p = new URLSearchParams();
  if (s.period) p.set("period", s.period);
  if (s.unit) p.set("unit", String(s.unit));
  if (s.eth) p.set("eth", s.eth);
  if (s.domain) p.set("domain", s.domain);
  const q = p.toString();
  return q ? `?${q}` : "";
}
