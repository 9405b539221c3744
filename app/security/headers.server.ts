import { randomBytes } from "node:crypto";
import type { RequestHandler } from "express";

/**
 * Security headers for every response (ASVS 14.4). The CSP allows scripts
 * only from this origin and inline scripts carrying this request's nonce
 * (Remix's <Scripts nonce> / <ScrollRestoration nonce>, fed from
 * context.cspNonce = res.locals.cspNonce). Inline style attributes stay
 * allowed (server-rendered charts and React style props use them; styles
 * cannot run code). HSTS only when the request came over HTTPS.
 */
export interface HeaderOptions {
  /** Extra connect-src origins (none by default). */
  connectSrc?: string[];
}

export function buildCsp(nonce: string, opts: HeaderOptions = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "script-src-attr 'none'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${opts.connectSrc?.length ? ` ${opts.connectSrc.join(" ")}` : ""}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "frame-src 'none'",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
  ].join("; ");
}

export function securityHeaders(opts: HeaderOptions = {}): RequestHandler {
  return (req, res, next) => {
    let nonce = res.locals.cspNonce as string | undefined;
    if (!nonce) {
      nonce = randomBytes(16).toString("base64");
      res.locals.cspNonce = nonce;
    }
    res.setHeader("Content-Security-Policy", buildCsp(nonce, opts));
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    res.setHeader("X-Permitted-Cross-Domain-Policies", "none");
    // Pages carry personal and unit data: no shared caches (static files set their own Cache-Control later).
    res.setHeader("Cache-Control", "no-store");
    if (req.secure) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    next();
  };
}
