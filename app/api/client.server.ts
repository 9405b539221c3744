import type { AppLoadContext, AppServices } from "../platform/services.ts";
import { writeAudit } from "../audit/audit.server.ts";
import { servicesOf } from "../auth/guards.server.ts";
import { touchApiToken, verifyApiToken, type ApiClient } from "./tokens.server.ts";
import { takeApiToken } from "./rate.server.ts";
import { apiError } from "./respond.server.ts";

/**
 * Every /api/v1 call: a bearer token (401 without, or when revoked/expired),
 * the token's rate limit (429 with Retry-After), and one audit line per call
 * (written by `finish`, with the outcome and row count).
 */
export interface ApiCall {
  client: ApiClient;
  services: AppServices;
  finish(outcome: { status: number; rows?: number; error?: string }): Promise<void>;
}

const REASONS: Record<string, string> = {
  missing: "Thiếu mã truy cập: gửi header Authorization: Bearer <token> / missing bearer token",
  invalid: "Mã truy cập không hợp lệ / invalid token",
  revoked: "Mã truy cập đã bị thu hồi / token revoked",
  expired: "Mã truy cập đã hết hạn / token expired",
};

export async function requireApiClient(args: { request: Request; context: unknown }): Promise<ApiCall> {
  const services = servicesOf(args.context as AppLoadContext);
  const ctx = args.context as AppLoadContext;
  const url = new URL(args.request.url);
  const m = /^Bearer\s+(\S+)$/i.exec(args.request.headers.get("authorization") ?? "");
  const check = await verifyApiToken(services.db, m?.[1] ?? null);
  if (!check.ok) {
    if (check.reason !== "missing") {
      await writeAudit(services.db, { action: "api.denied", targetType: "api", targetId: url.pathname, ip: ctx.clientIp, details: { reason: check.reason } });
    }
    throw apiError(401, "unauthorized", REASONS[check.reason], {}, { "WWW-Authenticate": 'Bearer realm="csdl-api"' });
  }
  const client = check.client;
  const wait = takeApiToken(client.tokenId, client.ratePerMinute);
  if (wait) {
    await writeAudit(services.db, { actorUsername: `api:${client.clientName}`, unitId: client.unitId, action: "api.rate_limited", targetType: "api", targetId: url.pathname, ip: ctx.clientIp, details: { tokenId: client.tokenId } });
    throw apiError(429, "rate_limited", `Quá nhiều yêu cầu; thử lại sau ${wait} giây / too many requests`, { retryAfterSeconds: wait }, { "Retry-After": String(wait) });
  }
  return {
    client,
    services,
    async finish(o) {
      await Promise.all([
        writeAudit(services.db, {
          actorUsername: `api:${client.clientName}`,
          unitId: client.unitId,
          action: "api.call",
          targetType: "api",
          targetId: url.pathname,
          ip: ctx.clientIp,
          details: { tokenId: client.tokenId, query: url.search.slice(0, 500), status: o.status, rows: o.rows ?? null, error: o.error ?? null },
        }),
        touchApiToken(services.db, client.tokenId),
      ]);
    },
  };
}
