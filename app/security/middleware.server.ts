import type { RequestHandler } from "express";
import { securityHeaders } from "./headers.server.ts";
import { bodyLimit, DEFAULT_BODY_LIMITS, type BodyLimits } from "./body-limit.server.ts";
import { apiRateLimit, signInRateLimit } from "./rate-limit.server.ts";

/**
 * The hardening middleware in the order the server mounts it, before
 * compression, the listener gate and Remix (createHttpApp's `before`):
 *   headers (CSP nonce from res.locals.cspNonce) → body size → sign-in rate → API rate.
 * safeErrorHandler (error-handler.server.ts) goes after the Remix handler.
 */
export function securityMiddleware(opts: { bodyLimits?: BodyLimits } = {}): RequestHandler[] {
  return [securityHeaders(), bodyLimit(opts.bodyLimits ?? DEFAULT_BODY_LIMITS), signInRateLimit(), apiRateLimit()];
}
