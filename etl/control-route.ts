import type { RequestHandler } from "express";
import { secretMatches } from "./control-file.ts";
import type { EtlRunner } from "./runner.ts";
import { EtlBusyError, EtlError } from "./errors.ts";

/**
 * POST /admin/_etl/run?mode=incremental|full&wait=<ms> on the ADMIN listener
 * only, from loopback, with header `x-etl-secret` = the secret of
 * etl-control.json. Streams NDJSON: {"progress":{…}} lines, then one
 * {"summary":{…}} or {"error":"…","busy":bool} line. Used by `npm run etl`
 * when the server holds the warehouse file.
 */
export const ETL_CONTROL_PATH = "/admin/_etl/run";

export function etlControlHandler(deps: { etl: EtlRunner; secret: () => string | null }): RequestHandler {
  return (req, res, next) => {
    if (req.path !== ETL_CONTROL_PATH) return next();
    const ip = req.socket.remoteAddress ?? "";
    const loopback = ip === "127.0.0.1" || ip === "::1" || ip === "::ffff:127.0.0.1";
    const secret = deps.secret();
    if (req.method !== "POST" || !loopback || !secret || !secretMatches(secret, req.get("x-etl-secret"))) {
      res.status(404).type("text/plain").send("Not Found");
      return;
    }
    const mode = req.query.mode === "full" ? "full" : "incremental";
    const waitMs = Math.min(Math.max(Number(req.query.wait ?? 0) || 0, 0), 3_600_000);
    res.status(200).type("application/x-ndjson");
    res.setHeader("cache-control", "no-store");
    let last = 0;
    deps.etl
      .run({
        mode,
        trigger: "cli",
        waitMs,
        onProgress: (p) => {
          const now = Date.now();
          if (now - last < 200 && p.phase === "facts") return;
          last = now;
          res.write(JSON.stringify({ progress: p }) + "\n");
        },
      })
      .then((summary) => res.end(JSON.stringify({ summary }) + "\n"))
      .catch((e: unknown) =>
        res.end(JSON.stringify({ error: e instanceof Error ? e.message : String(e), busy: e instanceof EtlBusyError, etl: e instanceof EtlError }) + "\n"),
      );
  };
}
