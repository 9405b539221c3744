import { describe, expect, it } from "vitest";
import { keyFromBase32, keyToBase32, totpCode, verifyTotp, timeStep, totpUri } from "../../app/security/totp.ts";
import { newRecoveryCode, normaliseRecoveryCode, looksLikeRecoveryCode } from "../../app/security/recovery-codes.ts";
import { openSecret, sealSecret } from "../../app/security/secret-box.server.ts";
import { TokenBuckets } from "../../app/security/rate-limit.server.ts";
import { randomInitialPassword } from "../../app/security/initial-password.server.ts";
import { checkPassword } from "../../app/auth/password-policy.ts";
import { buildCsp } from "../../app/security/headers.server.ts";

// RFC 6238 Appendix B, SHA-1 seed "12345678901234567890" (8-digit values; 6 digits = last six)
const RFC_KEY = new TextEncoder().encode("12345678901234567890");
const VECTORS: [number, string][] = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

describe("TOTP (RFC 6238)", () => {
  it("matches the RFC test vectors", () => {
    for (const [t, code] of VECTORS) expect(totpCode(RFC_KEY, t * 1000)).toBe(code.slice(2));
  });

  it("accepts ±1 step of drift, refuses 2 steps and malformed input", () => {
    const now = 1_700_000_000_000;
    const code = totpCode(RFC_KEY, now);
    expect(verifyTotp(RFC_KEY, code, { now: now + 30_000 })).toBe(timeStep(now));
    expect(verifyTotp(RFC_KEY, code, { now: now - 30_000 })).toBe(timeStep(now));
    expect(verifyTotp(RFC_KEY, code, { now: now + 61_000 })).toBeNull();
    expect(verifyTotp(RFC_KEY, `${code.slice(0, 3)} ${code.slice(3)}`, { now })).toBe(timeStep(now));
    for (const bad of ["", "12345", "1234567", "abcdef", "12345\u0661", "' or 1=1"]) expect(verifyTotp(RFC_KEY, bad, { now })).toBeNull();
  });

  it("refuses a replayed or older step", () => {
    const now = 1_700_000_000_000;
    const code = totpCode(RFC_KEY, now);
    const step = verifyTotp(RFC_KEY, code, { now })!;
    expect(verifyTotp(RFC_KEY, code, { now, lastStep: step })).toBeNull();
    expect(verifyTotp(RFC_KEY, totpCode(RFC_KEY, now - 30_000), { now, lastStep: step })).toBeNull();
    expect(verifyTotp(RFC_KEY, totpCode(RFC_KEY, now + 30_000), { now, lastStep: step })).toBe(step + 1n);
  });

  it("round-trips keys through base32 and builds an otpauth URI", () => {
    expect(keyFromBase32(keyToBase32(RFC_KEY))).toEqual(RFC_KEY);
    expect(keyFromBase32("gezd gnbv gy3t qojq")).toEqual(new TextEncoder().encode("1234567890"));
    const uri = totpUri("CSDL Dan toc", "bandantoctinh", RFC_KEY);
    expect(uri).toMatch(/^otpauth:\/\/totp\/CSDL%20Dan%20toc:bandantoctinh\?/);
    expect(uri).toContain("period=30");
    expect(uri).toContain("digits=6");
  });
});

describe("recovery codes", () => {
  it("are 80-bit, grouped, normalised case- and separator-insensitively", () => {
    const codes = new Set(Array.from({ length: 200 }, newRecoveryCode));
    expect(codes.size).toBe(200);
    for (const c of codes) expect(c).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
    const c = [...codes][0];
    expect(normaliseRecoveryCode(c.toUpperCase().replace(/-/g, " "))).toBe(c.replace(/-/g, ""));
    expect(looksLikeRecoveryCode(c)).toBe(true);
    expect(looksLikeRecoveryCode("123456")).toBe(false);
  });
});

describe("secret box", () => {
  const secret = "x".repeat(40);
  it("encrypts with AES-GCM under APP_SECRET and detects tampering or a wrong key", () => {
    const sealed = sealSecret("JBSWY3DPEHPK3PXP", secret, "totp");
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain("JBSWY3DPEHPK3PXP");
    expect(openSecret(sealed, secret, "totp")).toBe("JBSWY3DPEHPK3PXP");
    expect(sealSecret("a", secret, "totp")).not.toBe(sealSecret("a", secret, "totp")); // random IV
    expect(() => openSecret(sealed, "y".repeat(40), "totp")).toThrow(/decrypted/);
    expect(() => openSecret(sealed, secret, "other-purpose")).toThrow();
    const parts = sealed.split(":");
    parts[2] = Buffer.from("tampered").toString("base64url");
    expect(() => openSecret(parts.join(":"), secret, "totp")).toThrow();
    expect(() => openSecret(sealed, undefined, "totp")).toThrow(/APP_SECRET/);
  });
  it("stores plainly only without APP_SECRET (development)", () => {
    expect(sealSecret("K", undefined, "totp")).toBe("plain:K");
    expect(openSecret("plain:K", undefined, "totp")).toBe("K");
  });
});

describe("token buckets", () => {
  it("allow the capacity, then refill at the given rate, per key", () => {
    const b = new TokenBuckets({ capacity: 3, refillPerMinute: 6 }); // one token per 10 s
    const t = 1_000_000;
    expect([b.take("a", t), b.take("a", t), b.take("a", t)]).toEqual([0, 0, 0]);
    expect(b.take("a", t)).toBe(10);
    expect(b.take("b", t)).toBe(0);
    expect(b.take("a", t + 5_000)).toBe(5);
    expect(b.take("a", t + 10_001)).toBe(0);
  });
  it("forget idle keys", () => {
    const b = new TokenBuckets({ capacity: 2, refillPerMinute: 60 });
    for (let i = 0; i < 100; i++) b.take(`k${i}`, 0);
    b.take("x", 120_000);
    expect(b.size).toBe(1);
  });
});

describe("initial passwords", () => {
  it("are 16 characters, meet the password policy and do not repeat", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const p = randomInitialPassword();
      expect(p).toHaveLength(16);
      expect(checkPassword(p, { username: "xaquanghan", defaultPassword: "@Bcd1234" })).toEqual([]);
      seen.add(p);
    }
    expect(seen.size).toBe(300);
  });
});

describe("CSP", () => {
  it("allows scripts only from self and with the nonce, forbids framing", () => {
    const csp = buildCsp("abc123");
    expect(csp).toContain("script-src 'self' 'nonce-abc123'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
  });
});
