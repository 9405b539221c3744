import type { RequestHandler } from "express";

/**
 * Request size limits (ASVS 12.1.1), enforced before Remix reads a body:
 * a declared Content-Length above the limit gets 413; a body without a
 * declared length (chunked) on a state-changing request gets 411, so no body
 * of unknown size reaches the application. Uploads (multipart) get a larger
 * allowance than ordinary forms and JSON.
 */
export interface BodyLimits {
  formBytes: number;
  multipartBytes: number;
  /** Paths (prefix match) allowed a larger multipart body, e.g. form imports. */
  uploadBytes?: number;
  uploadPaths?: RegExp[];
}

export const DEFAULT_BODY_LIMITS: BodyLimits = {
  formBytes: 1024 * 1024, // a full form with 54 ethnic groups × 30 indicators is < 200 kB
  multipartBytes: 12 * 1024 * 1024, // XLSX/CSV imports
};

export function bodyLimit(limits: BodyLimits = DEFAULT_BODY_LIMITS): RequestHandler {
  return (req, res, next) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
    const type = String(req.headers["content-type"] ?? "");
    let max = type.startsWith("multipart/form-data") ? limits.multipartBytes : limits.formBytes;
    if (limits.uploadBytes && limits.uploadPaths?.some((r) => r.test(req.path))) max = Math.max(max, limits.uploadBytes);
    const declared = req.headers["content-length"];
    if (declared === undefined) {
      if (req.headers["transfer-encoding"]) {
        res.status(411).type("text/plain; charset=utf-8").send("Cần khai báo độ dài nội dung (Content-Length). / Length required.");
        return;
      }
      return next();
    }
    const n = Number(declared);
    if (!Number.isFinite(n) || n < 0) {
      res.status(400).type("text/plain; charset=utf-8").send("Content-Length không hợp lệ.");
      return;
    }
    if (n > max) {
      res.setHeader("Connection", "close");
      res.status(413).type("text/plain; charset=utf-8").send(`Dữ liệu gửi lên quá lớn (tối đa ${Math.round(max / 1024)} KB). / Payload too large.`);
      return;
    }
    next();
  };
}
