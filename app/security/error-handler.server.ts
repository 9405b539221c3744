import { randomBytes } from "node:crypto";
import type { ErrorRequestHandler } from "express";

/**
 * The last express handler: logs the error with a short reference and
 * answers with a generic message and that reference — never a stack trace,
 * SQL text or driver message (ASVS 7.4.1). Remix's own error path must be in
 * production mode for the same reason (see docs/operations.md).
 */
export function safeErrorHandler(log: { error(m: string): void }): ErrorRequestHandler {
  return (err, req, res, next) => {
    const ref = randomBytes(4).toString("hex");
    const e = err as { status?: number; statusCode?: number; type?: string; message?: string; stack?: string };
    const status = e?.status ?? e?.statusCode ?? 500;
    log.error(`[${ref}] ${req.method} ${req.path} → ${status}: ${e?.stack ?? e?.message ?? String(err)}`);
    if (res.headersSent) return next(err);
    const client = status >= 400 && status < 500;
    res
      .status(client ? status : 500)
      .type("text/plain; charset=utf-8")
      .send(
        client
          ? `Yêu cầu không hợp lệ (mã ${ref}). / Bad request.`
          : `Đã xảy ra lỗi trên máy chủ. Vui lòng thử lại hoặc báo quản trị với mã ${ref}. / Server error, reference ${ref}.`,
      );
  };
}

/** Text that must never appear in a response body (used by the fuzz tests too). */
export const LEAK_PATTERNS: RegExp[] = [
  /\bat [\w.<>]+ \(.*:\d+:\d+\)/, // stack frame
  /node_modules\//,
  /\b(select|insert into|update|delete from)\b[^<]{0,80}\b(from|values|set|where)\b/i,
  /syntax error at or near/i,
  /violates (not-null|foreign key|unique|check) constraint/i,
  /\berror: relation "/i,
  // word-bounded: a random nonce or token ("…V72KNEXx…") is not a driver's name
  /\b(knex(TimeoutError)?|pg-protocol|PostgresError)\b/i,
];
