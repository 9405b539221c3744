import type { LoaderFunctionArgs } from "@remix-run/node";
import { listEndpoint } from "../api/list-endpoint.server.ts";
import { listVisibleUnits } from "../api/units.server.ts";
import { apiError } from "../api/respond.server.ts";

/** GET /api/v1/units[?tier=district] — units within the token's scope. */
export const loader = (args: LoaderFunctionArgs) =>
  listEndpoint(
    args,
    "units",
    async (call, url) => {
      const tier = url.searchParams.get("tier") ?? undefined;
      if (tier && !["province", "department", "district", "commune"].includes(tier)) {
        await call.finish({ status: 400, error: "bad tier" });
        throw apiError(400, "bad_request", "tier: province, department, district hoặc commune", { issues: [{ param: "tier", message: "province, department, district hoặc commune" }] });
      }
      const units = await listVisibleUnits(call.services.db, call.client.scope, { tier });
      return units.map((u) => ({ id: u.id, code: u.code, gsoCode: u.gsoCode, name: u.name, tier: u.tier, parentId: u.parentId }));
    },
    ["tier"],
  );
