import { createHash } from "node:crypto";
import type { RequestHandler } from "express";

/**
 * In-memory token buckets (one process serves the province; no shared store
 * needed). A bucket holds `capacity` tokens and regains `refillPerMinute`;
 * each request takes one. Idle buckets are swept. Sign-in is limited by IP
 * (middleware) and by username (consumeSignIn, called from the sign-in
 * action, which has parsed the form); the API by token (or IP without one).
 * The limiter instances live on globalThis so that the express server and
 * the Remix bundle share them.
 */
export interface BucketSpec {
  capacity: number;
  refillPerMinute: number;
}

export class TokenBuckets {
  private buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep = 0;
  constructor(readonly spec: BucketSpec) {}

  /** Take one token. Returns 0 when allowed, else the seconds until a token is available. */
  take(key: string, now = Date.now()): number {
    this.sweep(now);
    const perMs = this.spec.refillPerMinute / 60_000;
    const b = this.buckets.get(key) ?? { tokens: this.spec.capacity, at: now };
    b.tokens = Math.min(this.spec.capacity, b.tokens + (now - b.at) * perMs);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      this.buckets.set(key, b);
      return 0;
    }
    this.buckets.set(key, b);
    return Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
  }

  reset(key?: string) {
    if (key === undefined) this.buckets.clear();
    else this.buckets.delete(key);
  }

  get size() {
    return this.buckets.size;
  }

  private sweep(now: number) {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    const fullAfter = (this.spec.capacity / this.spec.refillPerMinute) * 60_000;
    for (const [k, b] of this.buckets) if (now - b.at > fullAfter) this.buckets.delete(k);
  }
}

export interface RateLimitConfig {
  signInPerIp: BucketSpec;
  signInPerUsername: BucketSpec;
  apiPerToken: BucketSpec;
}

export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  signInPerIp: { capacity: 100, refillPerMinute: 60 }, // a provincial office behind one NAT signs in many clerks
  signInPerUsername: { capacity: 20, refillPerMinute: 5 }, // on top of the account lockout (argon2 CPU per username)
  apiPerToken: { capacity: 120, refillPerMinute: 600 },
};

interface Limiters {
  signInIp: TokenBuckets;
  signInUser: TokenBuckets;
  api: TokenBuckets;
}

const KEY = Symbol.for("csdl.rateLimiters");
type G = typeof globalThis & { [KEY]?: Limiters };

/** The process-wide limiters (configured once by the server; defaults otherwise). */
export function limiters(config: RateLimitConfig = DEFAULT_RATE_LIMITS): Limiters {
  const g = globalThis as G;
  g[KEY] ??= { signInIp: new TokenBuckets(config.signInPerIp), signInUser: new TokenBuckets(config.signInPerUsername), api: new TokenBuckets(config.apiPerToken) };
  return g[KEY]!;
}

export function configureRateLimits(config: Partial<RateLimitConfig>): Limiters {
  const full = { ...DEFAULT_RATE_LIMITS, ...config };
  (globalThis as G)[KEY] = { signInIp: new TokenBuckets(full.signInPerIp), signInUser: new TokenBuckets(full.signInPerUsername), api: new TokenBuckets(full.apiPerToken) };
  return limiters();
}

const SIGN_IN_PATHS = /^\/login(\/mfa)?\/?$/;

function tooMany(res: Parameters<RequestHandler>[1], retryAfter: number, json: boolean) {
  res.setHeader("Retry-After", String(retryAfter));
  if (json) res.status(429).json({ error: "rate_limited", message: "Quá nhiều yêu cầu, vui lòng thử lại sau.", retryAfterSeconds: retryAfter });
  else res.status(429).type("text/plain; charset=utf-8").send(`Quá nhiều lần thử đăng nhập. Vui lòng thử lại sau ${retryAfter} giây. / Too many attempts.`);
}

/** POST /login and /login/mfa: by client IP. */
export function signInRateLimit(): RequestHandler {
  return (req, res, next) => {
    if (req.method !== "POST" || !SIGN_IN_PATHS.test(req.path)) return next();
    const wait = limiters().signInIp.take(`ip:${req.ip ?? req.socket.remoteAddress ?? "?"}`);
    if (wait) return tooMany(res, wait, false);
    next();
  };
}

/** For the sign-in action after parsing the form: 0 = go on, else seconds to wait. */
export function consumeSignIn(username: string): number {
  return limiters().signInUser.take(`user:${username.trim().toLowerCase().slice(0, 100)}`);
}

/** /api/*: by bearer token (hashed, never kept in clear), else by IP. */
export function apiRateLimit(prefix = "/api/"): RequestHandler {
  return (req, res, next) => {
    if (!req.path.startsWith(prefix)) return next();
    const auth = req.headers.authorization ?? "";
    const m = /^Bearer\s+(\S{1,512})$/i.exec(auth);
    const key = m ? `tok:${createHash("sha256").update(m[1]).digest("hex").slice(0, 32)}` : `ip:${req.ip ?? "?"}`;
    const wait = limiters().api.take(key);
    if (wait) return tooMany(res, wait, true);
    next();
  };
}
