import { z } from "zod";
import { parseQueryParams, ParamError, type QueryParams } from "../query-params.ts";
import { PIVOT_DIMS, type PivotDim } from "./pivot.ts";

/**
 * The analyst's query in the URL: the query-builder parameters (indicators,
 * filters, unitLevel — see query-params.ts) plus rows=…&cols=… for the
 * pivot and page=… for paging. No state lives on the server.
 */
export interface AnalysisState {
  params: QueryParams;
  rows: PivotDim[];
  cols: PivotDim[];
  page: number;
}

const dims = z
  .string()
  .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.enum(PIVOT_DIMS as [PivotDim, ...PivotDim[]], { message: `chiều phải là một trong: ${PIVOT_DIMS.join(", ")}` })).max(3, "tối đa 3 chiều"));

export const PAGE_ROWS = 100;

export function parseAnalysisState(sp: URLSearchParams): AnalysisState {
  const issues: { param: string; message: string }[] = [];
  const pick = (k: string) => {
    const r = dims.safeParse(sp.get(k) ?? "");
    if (!r.success) issues.push({ param: k, message: r.error.issues.map((i) => i.message).join(", ") });
    return r.success ? r.data : [];
  };
  const rows = pick("rows");
  const cols = pick("cols");
  if (cols.length > 2) issues.push({ param: "cols", message: "tối đa 2 chiều cột (chỉ tiêu luôn là cột ngoài cùng)" });
  const both = rows.filter((d) => cols.includes(d));
  if (both.length) issues.push({ param: "cols", message: `chiều ${both.join(", ")} đã nằm ở hàng` });
  if (sp.has("groupBy")) issues.push({ param: "groupBy", message: "dùng rows và cols trong công cụ phân tích" });
  const pageRaw = sp.get("page");
  const page = pageRaw && /^\d{1,5}$/.test(pageRaw) ? Math.max(1, Number(pageRaw)) : 1;
  let params: QueryParams | null = null;
  try {
    params = parseQueryParams(sp, ["rows", "cols", "page", "format", "saved"], { unitLevelNeedsUnit: false });
  } catch (e) {
    if (!(e instanceof ParamError)) throw e;
    issues.push(...e.issues);
  }
  if (issues.length || !params) throw new ParamError(issues);
  // the form always sends a level; it only matters when units are a dimension
  if (![...rows, ...cols].includes("unit")) params = { ...params, unitLevel: undefined };
  else if (!params.unitLevel) params = { ...params, unitLevel: "district" };
  return { params, rows, cols, page };
}
