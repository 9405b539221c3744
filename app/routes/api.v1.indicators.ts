import type { LoaderFunctionArgs } from "@remix-run/node";
import { listIndicators } from "../../warehouse/query/index.ts";
import { listEndpoint } from "../api/list-endpoint.server.ts";
import { warehouseOf } from "../api/warehouse.server.ts";

/** GET /api/v1/indicators — the indicator catalogue (codes, units, aggregation rules). */
export const loader = (args: LoaderFunctionArgs) => listEndpoint(args, "indicators", async (call) => listIndicators(warehouseOf(call.services)));
