import { parseAnalysisState, type AnalysisState } from "../../dashboards/pivot/state.ts";
import { ParamError } from "../../dashboards/query-params.ts";

/**
 * Analysis URLs from the builder form: multi-selects send a parameter once
 * per choice; join them into the comma lists the shared schema expects.
 */
const LISTS = ["indicators", "periods", "years", "units", "ethnicities", "sex", "domains", "rows", "cols"];

export function normaliseAnalysisSearch(sp: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  const seen = new Set<string>();
  for (const [k, v] of sp) {
    if (seen.has(k)) continue;
    seen.add(k);
    const all = sp.getAll(k).map((x) => x.trim()).filter(Boolean);
    if (!all.length) continue;
    out.set(k, LISTS.includes(k) ? all.join(",") : all[0]);
  }
  return out;
}

export function readAnalysisState(url: URL): { state: AnalysisState | null; issues: { param: string; message: string }[]; search: URLSearchParams } {
  const search = normaliseAnalysisSearch(url.searchParams);
  if (!search.has("indicators")) return { state: null, issues: [], search };
  try {
    return { state: parseAnalysisState(search), issues: [], search };
  } catch (e) {
    if (e instanceof ParamError) return { state: null, issues: e.issues, search };
    throw e;
  }
}
