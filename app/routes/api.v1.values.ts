import type { LoaderFunctionArgs } from "@remix-run/node";
import { queryIndicators, queryFreshness, QueryError } from "../../warehouse/query/index.ts";
import { parseQueryParams, toIndicatorQuery, ParamError } from "../../dashboards/query-params.ts";
import { indicatorRowsToTable } from "../../dashboards/indicator-table.ts";
import { tableToCsv } from "../../dashboards/export/csv.ts";
import { requireApiClient } from "../api/client.server.ts";
import { apiError, apiJson } from "../api/respond.server.ts";
import { warehouseOf } from "../api/warehouse.server.ts";
import { visibleUnit } from "../api/units.server.ts";

/**
 * GET /api/v1/values — indicator values with the query builder's parameters
 * (see /api/v1/openapi.json). The token's scope is applied by the query
 * layer; naming a unit outside it is refused with 403.
 */
export async function loader(args: LoaderFunctionArgs) {
  const call = await requireApiClient(args);
  const url = new URL(args.request.url);
  const format = url.searchParams.get("format") ?? "json";
  let params;
  try {
    if (!["json", "csv"].includes(format)) throw new ParamError([{ param: "format", message: "json hoặc csv" }]);
    params = parseQueryParams(url.searchParams, ["format"]);
  } catch (e) {
    if (!(e instanceof ParamError)) throw e;
    await call.finish({ status: 400, error: e.message });
    return apiError(400, "bad_request", e.message, { issues: e.issues });
  }
  for (const id of params.units ?? []) {
    if (!(await visibleUnit(call.services.db, call.client.scope, id))) {
      await call.finish({ status: 403, error: `unit ${id} out of scope` });
      return apiError(403, "out_of_scope", `Đơn vị ${id} ngoài phạm vi của mã truy cập / unit outside the token's scope`, { issues: [{ param: "units", message: `đơn vị ${id} ngoài phạm vi` }] });
    }
  }
  const wh = warehouseOf(call.services);
  let result;
  try {
    result = await queryIndicators(wh, call.client.scope, toIndicatorQuery(params));
  } catch (e) {
    if (!(e instanceof QueryError)) throw e;
    await call.finish({ status: 400, error: e.message });
    return apiError(400, "bad_request", e.message);
  }
  if (result.unknownIndicators.length) {
    const msg = `indicators: không có chỉ tiêu ${result.unknownIndicators.join(", ")} (xem /api/v1/indicators)`;
    await call.finish({ status: 400, error: msg });
    return apiError(400, "bad_request", msg, { issues: result.unknownIndicators.map((c) => ({ param: "indicators", message: `không có chỉ tiêu ${c}` })) });
  }
  await call.finish({ status: 200, rows: result.rows.length });
  if (format === "csv") {
    return new Response(tableToCsv(indicatorRowsToTable(result.rows, params.groupBy ?? [])), {
      headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": 'attachment; filename="values.csv"', "Cache-Control": "no-store" },
    });
  }
  const fresh = await queryFreshness(wh);
  return apiJson({
    data: result.rows,
    meta: { count: result.rows.length, truncated: result.truncated, unknownIndicators: result.unknownIndicators, dataAsOf: fresh.loadedAt, scopeUnit: call.client.unitCode },
  });
}
