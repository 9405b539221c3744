import type { WarehouseReader } from "../../warehouse/query/types.ts";
import type { AppServices } from "../platform/services.ts";

/**
 * The warehouse reader the platform put in the load context. Routes never
 * open DuckDB themselves; when the platform has no warehouse (yet), pages
 * answer 503 with a clear message instead of failing obscurely.
 */
export function warehouseOf(services: AppServices): WarehouseReader {
  const wh = services.warehouse as Partial<WarehouseReader> | undefined;
  if (!wh || typeof wh.all !== "function") {
    throw new Response("Kho dữ liệu chưa sẵn sàng (chưa chạy ETL hoặc máy chủ chưa mở kho). / The warehouse is not available yet.", {
      status: 503,
      statusText: "Warehouse unavailable",
    });
  }
  return wh as WarehouseReader;
}
