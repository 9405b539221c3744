import { TokenBuckets } from "../security/rate-limit.server.ts";

/**
 * Per-token rate limits at each token's own configured rate (api_tokens.
 * rate_limit_per_minute), on top of the platform's global /api/ limiter.
 * Buckets live on globalThis so every route module shares them.
 */
const KEY = Symbol.for("csdl.apiTokenBuckets");
type G = typeof globalThis & { [KEY]?: Map<number, TokenBuckets> };

export function takeApiToken(tokenId: number, perMinute: number): number {
  const g = globalThis as G;
  g[KEY] ??= new Map();
  let b = g[KEY]!.get(perMinute);
  if (!b) {
    b = new TokenBuckets({ capacity: perMinute, refillPerMinute: perMinute });
    g[KEY]!.set(perMinute, b);
  }
  return b.take(`token:${tokenId}`);
}
