import { z } from "zod";
import type { Dimension, IndicatorQuery, UnitLevel } from "../warehouse/query/types.ts";

/**
 * The indicator query as URL parameters — one schema for the analyst's query
 * builder (/analysis) and the data-sharing API (/api/v1/values), so the same
 * link means the same question in both. Lists are comma-separated.
 *
 *   indicators=POVERTY_RATE,HH_POOR   (required, 1–50 codes)
 *   groupBy=unit,ethnicity            unit | ethnicity | period | year | sex
 *   unitLevel=district                province | department | district | commune | unit
 *   periods=2023,2024  years=2024  units=12,15  ethnicities=02,03  sex=M,F  domains=poverty
 *   orderBy=dimensions|value_desc|value_asc   limit=1..100000
 */
const list = <T extends z.ZodType<unknown, string>>(item: T, max: number, required = "tham số bắt buộc") =>
  z
    .string({ message: required })
    .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(item).min(1, "cần ít nhất một giá trị").max(max, `tối đa ${max} giá trị`));

const code = z.string().regex(/^[A-Z0-9_]{2,40}$/, "mã chỉ tiêu gồm chữ in hoa, số, gạch dưới (ví dụ POVERTY_RATE)");
const DIMS = ["unit", "ethnicity", "period", "year", "sex"] as const;
const LEVELS = ["province", "department", "district", "commune", "unit"] as const;

export const queryParamsSchema = z
  .object({
    indicators: list(code, 50, "bắt buộc: danh sách mã chỉ tiêu, ví dụ indicators=POVERTY_RATE,HH_POOR"),
    groupBy: list(z.enum(DIMS, { message: `chiều phân tổ phải là một trong: ${DIMS.join(", ")}` }), 5).optional(),
    unitLevel: z.enum(LEVELS, { message: `cấp đơn vị phải là một trong: ${LEVELS.join(", ")}` }).optional(),
    periods: list(z.string().regex(/^[0-9A-Za-z-]{4,20}$/, "mã kỳ không hợp lệ (ví dụ 2024, 2024-Q3)"), 200).optional(),
    years: list(z.string().regex(/^\d{4}$/, "năm gồm 4 chữ số").transform(Number).pipe(z.number().min(1990, "năm từ 1990").max(2100, "năm đến 2100")), 50).optional(),
    units: list(z.string().regex(/^[1-9]\d{0,9}$/, "mã đơn vị phải là số nguyên dương").transform(Number), 500).optional(),
    ethnicities: list(z.string().regex(/^\d{2}$/, "mã dân tộc gồm 2 chữ số (01–54, 00 = tất cả)"), 60).optional(),
    sex: list(z.enum(["T", "M", "F"], { message: "giới tính: T (chung), M (nam), F (nữ)" }), 3).optional(),
    domains: list(z.enum(["population", "poverty", "infrastructure", "education", "health", "policy"], { message: "lĩnh vực không hợp lệ" }), 6).optional(),
    orderBy: z.enum(["dimensions", "value_desc", "value_asc"], { message: "orderBy: dimensions, value_desc hoặc value_asc" }).optional(),
    limit: z.string().regex(/^\d{1,7}$/, "limit phải là số nguyên").transform(Number).pipe(z.number().min(1, "limit ≥ 1").max(100_000, "limit ≤ 100000")).optional(),
  })
  .strict();

export type QueryParams = z.output<typeof queryParamsSchema>;

export interface ParamIssue {
  param: string;
  message: string;
}

export class ParamError extends Error {
  override name = "ParamError";
  constructor(readonly issues: ParamIssue[]) {
    super(issues.map((i) => `${i.param}: ${i.message}`).join("; "));
  }
}

/** Parse URL parameters (ignoring `extra` names such as format/page); throws ParamError naming each bad parameter. */
export function parseQueryParams(sp: URLSearchParams, extra: readonly string[] = [], opts: { unitLevelNeedsUnit?: boolean } = {}): QueryParams {
  const raw: Record<string, string> = {};
  const issues: ParamIssue[] = [];
  for (const [k, v] of sp) {
    if (extra.includes(k)) continue;
    if (k in raw) issues.push({ param: k, message: "tham số lặp lại; dùng danh sách cách nhau bởi dấu phẩy" });
    raw[k] = v;
  }
  const r = queryParamsSchema.safeParse(raw);
  if (!r.success) {
    for (const i of r.error.issues) {
      if (i.code === "unrecognized_keys") for (const key of i.keys) issues.push({ param: key, message: "tham số không được hỗ trợ" });
      else issues.push({ param: String(i.path[0] ?? "?"), message: i.path.length > 1 ? `phần tử ${Number(i.path[1]) + 1}: ${i.message}` : i.message });
    }
  }
  if (issues.length || !r.success) throw new ParamError(issues);
  const p = r.data;
  if ((opts.unitLevelNeedsUnit ?? true) && p.unitLevel && !p.groupBy?.includes("unit")) throw new ParamError([{ param: "unitLevel", message: "chỉ dùng khi groupBy có unit" }]);
  return p;
}

export function toIndicatorQuery(p: QueryParams): IndicatorQuery {
  return {
    indicators: p.indicators,
    groupBy: p.groupBy as Dimension[] | undefined,
    unitLevel: p.unitLevel as UnitLevel | undefined,
    filters: {
      periods: p.periods,
      years: p.years,
      unitIds: p.units,
      ethnicities: p.ethnicities,
      sex: p.sex,
      domains: p.domains,
    },
    orderBy: p.orderBy,
    limit: p.limit,
  };
}

export function queryParamsToSearch(p: Partial<QueryParams>): URLSearchParams {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) {
    if (v === undefined || v === null) continue;
    sp.set(k, Array.isArray(v) ? v.join(",") : String(v));
  }
  return sp;
}
