import { randomBytes } from "node:crypto";
import path from "node:path";
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from "express";
import compression from "compression";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import type { AppServices, Listener } from "./services.ts";

/**
 * One express app per listener. The public listener serves entry, approval,
 * dashboards and the API and answers 404 under /admin; the admin listener
 * (ADMIN_HOST:ADMIN_PORT, loopback by default) serves /admin and what sign-in
 * needs, and nothing else.
 */
export interface HttpOptions {
  build: ServerBuild;
  services: AppServices;
  listener: Listener;
  /** Middleware for every answer, before the listener gate (security headers). */
  headers?: RequestHandler[];
  /** Middleware behind the listener gate, before Remix (body and rate limits, control routes). */
  before?: RequestHandler[];
  /** Error handlers after Remix (never leak stacks or SQL). */
  after?: ErrorRequestHandler[];
  publicDir?: string;
}

const ADMIN_ALLOWED = [/^\/admin(\/|$)/, /^\/login(\/|$|\?)/, /^\/logout$/, /^\/lang$/, /^\/account\//, /^\/healthz$/, /^\/build\//, /^\/favicon/];

export function listenerGate(listener: Listener): RequestHandler {
  return (req, res, next) => {
    const p = req.path;
    if (listener === "public" && /^\/admin(\/|$)/.test(p)) {
      res.status(404).type("text/plain").send("Not Found");
      return;
    }
    if (listener === "admin" && !ADMIN_ALLOWED.some((r) => r.test(p))) {
      if (p === "/") {
        res.redirect(302, "/admin");
        return;
      }
      res.status(404).type("text/plain").send("Not Found");
      return;
    }
    next();
  };
}

export function createHttpApp(opts: HttpOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", opts.services.config.TRUST_PROXY);
  app.use((_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString("base64");
    next();
  });
  for (const mw of opts.headers ?? []) app.use(mw);
  app.use(compression());
  app.use(listenerGate(opts.listener));
  for (const mw of opts.before ?? []) app.use(mw);
  const publicDir = opts.publicDir ?? path.resolve("public");
  app.use("/build", express.static(path.join(publicDir, "build"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(publicDir, { maxAge: "1h", index: false }));
  app.all(
    "*",
    createRequestHandler({
      build: opts.build,
      // [safety] only `development` gets Remix's detailed errors; test and production never send stacks (ASVS 7.4.1)
      mode: opts.services.config.NODE_ENV === "development" ? "development" : "production",
      getLoadContext: (req, res) =>
        ({
          services: opts.services,
          listener: opts.listener,
          clientIp: req.ip ?? req.socket.remoteAddress ?? "",
          cspNonce: res.locals.cspNonce as string,
        }) as never,
    }),
  );
  for (const h of opts.after ?? []) app.use(h);
  return app;
}
