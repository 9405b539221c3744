import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerBuild } from "@remix-run/node";
import { startTestServer, type TestServer } from "../setup/server.ts";
import { TestClient } from "../setup/http.ts";
import { STRONG_PASSWORD, TEST_DEFAULT_PASSWORD } from "../setup/constants.ts";
import { createHttpApp } from "../../app/platform/http.ts";
import { securityMiddleware } from "../../app/security/middleware.server.ts";
import { safeErrorHandler, LEAK_PATTERNS } from "../../app/security/error-handler.server.ts";
import { configureRateLimits, DEFAULT_RATE_LIMITS } from "../../app/security/rate-limit.server.ts";
import { issueInitialPassword, unusablePasswordHash } from "../../app/security/initial-password.server.ts";
import { signIn } from "../../app/auth/login.server.ts";
import { keyFromBase32, totpCode } from "../../app/security/totp.ts";
import { enrolTotp, passMfa } from "./security-helpers.ts";

/**
 * Hardening over HTTP: headers and CSP nonce, size and rate limits, errors
 * without internals, the TOTP second factor (enrolment, sign-in step,
 * replay, recovery codes, the admin rule) and one-time initial passwords.
 */
const APP_SECRET = "s".repeat(48);
let s: TestServer;
let hardened: http.Server;
let hardenedUrl = "";

function listen(app: express.Express): Promise<{ server: http.Server; url: string }> {
  return new Promise((resolve) => {
    const server = http.createServer(app).listen(0, "127.0.0.1", () => {
      const a = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${a.port}` });
    });
  });
}

beforeAll(async () => {
  s = await startTestServer({ APP_SECRET });
  // The public listener as the lead will mount it: hardening middleware before Remix.
  const build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
  const app = createHttpApp({ build, services: s.platform.services, listener: "public", before: securityMiddleware() });
  app.use(safeErrorHandler({ error: () => {} }));
  ({ server: hardened, url: hardenedUrl } = await listen(app));
});
afterAll(async () => {
  configureRateLimits(DEFAULT_RATE_LIMITS);
  await new Promise((r) => hardened?.close(r));
  await s?.stop();
});

describe("security headers", () => {
  it("sends CSP with a fresh nonce that Remix's scripts carry, and the framing/sniffing/referrer headers", async () => {
    const a = await fetch(`${hardenedUrl}/login`);
    const b = await fetch(`${hardenedUrl}/login`);
    const csp = a.headers.get("content-security-policy")!;
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    expect(nonce).not.toBe(/'nonce-([^']+)'/.exec(b.headers.get("content-security-policy")!)![1]);
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await a.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const attrs of scripts) {
      if (/\bsrc=/.test(attrs)) continue; // external scripts from 'self'
      expect(attrs).toContain(`nonce="${nonce}"`);
    }
    expect(a.headers.get("x-frame-options")).toBe("DENY");
    expect(a.headers.get("x-content-type-options")).toBe("nosniff");
    expect(a.headers.get("referrer-policy")).toBe("same-origin");
    expect(a.headers.get("strict-transport-security")).toBeNull(); // plain HTTP
    expect(a.headers.get("x-powered-by")).toBeNull();
  });

  it("sends HSTS only when the request arrived over HTTPS (behind a trusted proxy)", async () => {
    const app = express();
    app.set("trust proxy", true);
    for (const mw of securityMiddleware()) app.use(mw);
    app.get("/", (_q, r) => { r.send("ok"); });
    const { server, url } = await listen(app);
    try {
      const https = await fetch(url, { headers: { "x-forwarded-proto": "https" } });
      expect(https.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
      expect((await fetch(url)).headers.get("strict-transport-security")).toBeNull();
    } finally {
      server.close();
    }
  });
});

describe("request size limits", () => {
  it("refuses an oversized form body with 413 before the application reads it", async () => {
    const big = "x=" + "a".repeat(2 * 1024 * 1024);
    const r = await fetch(`${hardenedUrl}/login`, { method: "POST", body: big, headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(r.status).toBe(413);
  });
  it("refuses a body of undeclared length (chunked) with 411", async () => {
    const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("username=a&password=b")); c.close(); } });
    const r = await fetch(`${hardenedUrl}/login`, { method: "POST", body: stream, headers: { "content-type": "application/x-www-form-urlencoded" }, duplex: "half" } as RequestInit);
    expect(r.status).toBe(411);
  });
});

describe("rate limits", () => {
  it("limits sign-in attempts per IP and per username with 429 + Retry-After", async () => {
    configureRateLimits({ signInPerIp: { capacity: 4, refillPerMinute: 1 }, signInPerUsername: { capacity: 100, refillPerMinute: 100 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await fetch(`${hardenedUrl}/login`, { method: "POST", body: new URLSearchParams({ username: `nobody${i}`, password: "x" }), redirect: "manual" });
        codes.push(r.status);
        if (r.status === 429) expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
      }
      expect(codes.slice(0, 4).every((c) => c === 401)).toBe(true);
      expect(codes.slice(4)).toEqual([429, 429]);

      configureRateLimits({ signInPerIp: { capacity: 1000, refillPerMinute: 1000 }, signInPerUsername: { capacity: 3, refillPerMinute: 1 } });
      const user: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await fetch(`${hardenedUrl}/login`, { method: "POST", body: new URLSearchParams({ username: "ghost", password: "x" }), redirect: "manual" });
        user.push(r.status);
      }
      expect(user).toEqual([401, 401, 401, 429, 429]);
    } finally {
      configureRateLimits(DEFAULT_RATE_LIMITS);
    }
  });

  it("limits the API per token", async () => {
    configureRateLimits({ apiPerToken: { capacity: 3, refillPerMinute: 1 } });
    try {
      const call = (tok: string) => fetch(`${hardenedUrl}/api/v1/anything`, { headers: { authorization: `Bearer ${tok}` } });
      const a = [];
      for (let i = 0; i < 4; i++) a.push((await call("token-A")).status);
      expect(a[3]).toBe(429);
      expect(a.slice(0, 3)).not.toContain(429);
      expect((await call("token-B")).status).not.toBe(429);
    } finally {
      configureRateLimits(DEFAULT_RATE_LIMITS);
    }
  });
});

describe("errors", () => {
  it("the express error handler answers without stack, SQL or driver text", async () => {
    const app = express();
    app.get("/boom", () => {
      const e = new Error('insert into users (x) values ($1) - syntax error at or near "x"');
      throw e;
    });
    app.use(safeErrorHandler({ error: () => {} }));
    const { server, url } = await listen(app);
    try {
      const r = await fetch(`${url}/boom`);
      expect(r.status).toBe(500);
      const body = await r.text();
      expect(body).toMatch(/mã [0-9a-f]{8}/);
      for (const p of LEAK_PATTERNS) expect(body).not.toMatch(p);
    } finally {
      server.close();
    }
  });
});

describe("TOTP second factor", () => {
  it("an admin without a factor is sent to enrol; enrolment by secret gives recovery codes and opens the admin pages", async () => {
    const c = new TestClient(s.adminUrl);
    await c.loginAndSetPassword("bandantoctinh", TEST_DEFAULT_PASSWORD, STRONG_PASSWORD);
    const r = await c.get("/admin/audit");
    expect(r.status).toBe(302);
    expect(r.headers.get("location")).toMatch(/^\/account\/mfa\?redirectTo=%2Fadmin%2Faudit&required=1/);
    await c.get("/account/mfa");
    expect((await c.post("/account/mfa", { intent: "start" })).status).toBe(200);
    const page = await c.page("/account/mfa?required=1");
    expect(page).toContain("<svg");
    const secret = /data-testid="totp-secret">([A-Z2-7 ]+)</.exec(page)![1];
    const key = keyFromBase32(secret);
    const stored = await s.db("users").where({ username: "bandantoctinh" }).first("totp_secret");
    expect(stored.totp_secret).toMatch(/^v1:/); // sealed with APP_SECRET
    expect(stored.totp_secret).not.toContain(secret.replace(/ /g, ""));
    expect((await c.post("/account/mfa", { intent: "confirm", code: "000000" })).status).toBe(400);
    const enrolCode = totpCode(key);
    const ok = await c.post("/account/mfa", { intent: "confirm", code: enrolCode });
    expect(ok.status).toBe(200);
    const codes = /data-testid="recovery-codes">([^<]+)</.exec(await ok.text())![1].split("\n");
    expect(codes).toHaveLength(10);
    expect(await s.db("mfa_recovery_codes").whereNull("used_at").count({ n: "*" })).toEqual([{ n: 10 }]);
    // no plain code is stored
    const hashes = await s.db("mfa_recovery_codes").pluck("code_hash");
    for (const code of codes) expect(hashes).not.toContain(code);
    const audit = await c.get("/admin/audit");
    expect(audit.status).toBe(200);

    // A new sign-in must pass the second step before any page.
    const c2 = new TestClient(s.adminUrl);
    const login = await c2.login("bandantoctinh", STRONG_PASSWORD);
    expect(login.status).toBe(302);
    const blocked = await c2.get("/admin");
    expect(blocked.headers.get("location")).toMatch(/^\/login\/mfa/);
    await c2.get("/login/mfa");
    expect((await c2.post("/login/mfa", { code: "123456" })).status).toBe(401);
    // the code used for enrolment cannot be replayed
    expect((await c2.post("/login/mfa", { code: enrolCode })).status).toBe(401);
    const next = await passMfa(c2, key, 1);
    expect(next.status).toBe(302);
    expect((await c2.get("/admin")).status).toBe(200);

    // A recovery code works once.
    const c3 = new TestClient(s.adminUrl);
    await c3.login("bandantoctinh", STRONG_PASSWORD);
    await c3.get("/login/mfa");
    const rec = await c3.post("/login/mfa", { code: codes[0].toUpperCase() });
    expect(rec.status).toBe(302);
    expect(rec.headers.get("location")).toMatch(/^\/account\/mfa\?used=recovery&left=9/);
    expect((await c3.get("/admin")).status).toBe(200);
    const c4 = new TestClient(s.adminUrl);
    await c4.login("bandantoctinh", STRONG_PASSWORD);
    await c4.get("/login/mfa");
    expect((await c4.post("/login/mfa", { code: codes[0] })).status).toBe(401);

    const actions = await s.db("audit_log").where("action", "like", "mfa.%").pluck("action");
    expect(actions).toEqual(expect.arrayContaining(["mfa.enrol_started", "mfa.enrolled", "mfa.failed", "mfa.verified", "mfa.recovery_code_used"]));
  });

  it("a non-admin with TOTP also passes the step; the step itself needs CSRF", async () => {
    const c = new TestClient(s.baseUrl);
    await c.loginAndSetPassword("huyenhaquang", TEST_DEFAULT_PASSWORD, STRONG_PASSWORD);
    const key = await enrolTotp(s.db, "huyenhaquang", APP_SECRET);
    const c2 = new TestClient(s.baseUrl);
    await c2.login("huyenhaquang", STRONG_PASSWORD);
    expect((await c2.get("/")).headers.get("location")).toMatch(/^\/login\/mfa/);
    await c2.get("/login/mfa");
    expect((await c2.post("/login/mfa", { code: totpCode(key) }, { csrf: false })).status).toBe(403);
    expect((await passMfa(c2, key)).status).toBe(302);
    expect((await c2.get("/")).status).toBe(200);
    // one can sign out while the second step is pending
    const c3 = new TestClient(s.baseUrl);
    await c3.login("huyenhaquang", STRONG_PASSWORD);
    await c3.get("/login/mfa");
    const out = await c3.post("/logout", {});
    expect(out.headers.get("location")).toMatch(/^\/login\?reason=signed-out/);
    expect((await c3.get("/login/mfa")).headers.get("location")).toMatch(/^\/login/);
  });
});

describe("initial passwords", () => {
  it("production: random, one-time, expires after 7 days; elsewhere the regulation's default", async () => {
    const user = await s.db("users").where({ username: "huyenbaolam" }).first("id");
    const prodConfig = { ...s.config, isProduction: true };
    const now = new Date();
    const a = await issueInitialPassword(s.db, user.id, prodConfig, { now });
    expect(a.mode).toBe("random");
    expect(a.password).not.toBe(s.config.DEFAULT_PASSWORD);
    expect(a.expiresAt!.getTime() - now.getTime()).toBe(7 * 86_400_000);
    const row = await s.db("users").where({ id: user.id }).first();
    expect(row.must_change_password).toBe(true);
    expect(row.password_hash).not.toContain(a.password);
    expect((await signIn(s.db, s.config, { username: "huyenbaolam", password: TEST_DEFAULT_PASSWORD })).ok).toBe(false);
    const ok = await signIn(s.db, s.config, { username: "huyenbaolam", password: a.password });
    expect(ok.ok && ok.mustChangePassword).toBe(true);
    const late = await signIn(s.db, s.config, { username: "huyenbaolam", password: a.password }, new Date(now.getTime() + 8 * 86_400_000));
    expect(late.ok).toBe(false);
    const b = await issueInitialPassword(s.db, user.id, prodConfig);
    expect(b.password).not.toBe(a.password);
    expect(await s.db("sessions").where({ user_id: user.id }).count({ n: "*" })).toEqual([{ n: 0 }]);
    // an account seeded in production with an unusable hash cannot sign in with anything
    await s.db("users").where({ id: user.id }).update({ password_hash: unusablePasswordHash(), must_change_password: true });
    for (const p of [TEST_DEFAULT_PASSWORD, "", b.password]) expect((await signIn(s.db, s.config, { username: "huyenbaolam", password: p })).ok).toBe(false);
    const dev = await issueInitialPassword(s.db, user.id, s.config);
    expect(dev).toMatchObject({ mode: "default", password: s.config.DEFAULT_PASSWORD, expiresAt: null });
    expect(await s.db("audit_log").where({ action: "account.initial_password_issued", target_id: String(user.id) }).count({ n: "*" })).toEqual([{ n: 3 }]);
  });
});
