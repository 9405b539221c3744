import type { LoaderFunctionArgs } from "@remix-run/node";
import { listPeriods } from "../../warehouse/query/index.ts";
import { listEndpoint } from "../api/list-endpoint.server.ts";
import { warehouseOf } from "../api/warehouse.server.ts";

/** GET /api/v1/periods — reporting periods known to the warehouse. */
export const loader = (args: LoaderFunctionArgs) => listEndpoint(args, "periods", async (call) => listPeriods(warehouseOf(call.services)));
