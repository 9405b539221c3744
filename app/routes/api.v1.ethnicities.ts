import type { LoaderFunctionArgs } from "@remix-run/node";
import { listEthnicities } from "../../warehouse/query/index.ts";
import { listEndpoint } from "../api/list-endpoint.server.ts";
import { warehouseOf } from "../api/warehouse.server.ts";

/** GET /api/v1/ethnicities — GSO ethnicity codes ("00" = all groups). */
export const loader = (args: LoaderFunctionArgs) => listEndpoint(args, "ethnicities", async (call) => listEthnicities(warehouseOf(call.services)));
