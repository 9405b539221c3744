import { tableToCsv } from "../../dashboards/export/csv.ts";
import { objectsToTable } from "../../dashboards/indicator-table.ts";
import { requireApiClient, type ApiCall } from "./client.server.ts";
import { apiError, apiJson } from "./respond.server.ts";

/** A read-only list endpoint: token, rate limit, ?format=json|csv, audit line. */
export async function listEndpoint(
  args: { request: Request; context: unknown },
  name: string,
  fetchRows: (call: ApiCall, url: URL) => Promise<Record<string, unknown>[]>,
  allowed: readonly string[] = [],
): Promise<Response> {
  const call = await requireApiClient(args);
  const url = new URL(args.request.url);
  const bad = [...url.searchParams.keys()].filter((k) => k !== "format" && !allowed.includes(k));
  const format = url.searchParams.get("format") ?? "json";
  if (bad.length || !["json", "csv"].includes(format)) {
    const issues = [...bad.map((p) => ({ param: p, message: "tham số không được hỗ trợ" })), ...(["json", "csv"].includes(format) ? [] : [{ param: "format", message: "json hoặc csv" }])];
    await call.finish({ status: 400, error: "bad_request" });
    return apiError(400, "bad_request", issues.map((i) => `${i.param}: ${i.message}`).join("; "), { issues });
  }
  const rows = await fetchRows(call, url);
  await call.finish({ status: 200, rows: rows.length });
  if (format === "csv") {
    return new Response(tableToCsv(objectsToTable(rows)), {
      headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${name}.csv"`, "Cache-Control": "no-store" },
    });
  }
  return apiJson({ data: rows, meta: { count: rows.length, client: call.client.clientName, scopeUnit: call.client.unitCode } });
}
