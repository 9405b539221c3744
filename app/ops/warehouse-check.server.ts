import type { AppConfig } from "../platform/config.server.ts";
import type { WarehouseRebuildCheck } from "./restore-test.server.ts";

/**
 * The restore test's warehouse step: rebuild a warehouse from the restored
 * database with the ETL's full-rebuild function and compare its totals with
 * the approved values in the restored Postgres. Returns undefined while etl/
 * does not provide a rebuild function (the report then says it was skipped).
 */
export async function loadWarehouseCheck(_config: Pick<AppConfig, "dataDir">, log?: (l: string) => void): Promise<WarehouseRebuildCheck | undefined> {
  log?.("  (kho dữ liệu: etl/ chưa cung cấp hàm dựng lại toàn bộ — bỏ qua bước này)");
  return undefined;
}
