import { generateHOTP, verifyHOTP, createTOTPKeyURI } from "@oslojs/otp";
import { decodeBase32IgnorePadding, encodeBase32NoPadding } from "@oslojs/encoding";

/**
 * RFC 6238 TOTP (SHA-1, 30 s, 6 digits — what every authenticator app
 * supports), with an explicit clock so it can be tested, a ±1 step window
 * for clock drift, and replay protection: a step is accepted only if it is
 * later than the last step accepted for the user (RFC 6238 §5.2).
 */
export const TOTP_PERIOD = 30;
export const TOTP_DIGITS = 6;
export const TOTP_WINDOW = 1;

export function newTotpKey(): Uint8Array {
  const key = new Uint8Array(20);
  crypto.getRandomValues(key);
  return key;
}

export const keyToBase32 = (key: Uint8Array) => encodeBase32NoPadding(key);
export const keyFromBase32 = (s: string) => decodeBase32IgnorePadding(s.replace(/\s+/g, "").toUpperCase());

export function timeStep(now: number = Date.now()): bigint {
  return BigInt(Math.floor(now / 1000 / TOTP_PERIOD));
}

export function totpCode(key: Uint8Array, now: number = Date.now()): string {
  return generateHOTP(key, timeStep(now), TOTP_DIGITS);
}

/** Normalise what a person typed: digits only ("123 456" → "123456"). */
export function normaliseCode(input: string): string {
  return input.replace(/[\s-]/g, "");
}

/** The accepted step, or null. `lastStep`: the last step accepted for this user (replays are refused). */
export function verifyTotp(key: Uint8Array, input: string, opts: { now?: number; lastStep?: bigint | null } = {}): bigint | null {
  const code = normaliseCode(input);
  if (!/^\d{6}$/.test(code)) return null;
  const current = timeStep(opts.now);
  for (let d = -TOTP_WINDOW; d <= TOTP_WINDOW; d++) {
    const step = current + BigInt(d);
    if (opts.lastStep !== undefined && opts.lastStep !== null && step <= opts.lastStep) continue;
    if (verifyHOTP(key, step, TOTP_DIGITS, code)) return step;
  }
  return null;
}

export function totpUri(issuer: string, account: string, key: Uint8Array): string {
  return createTOTPKeyURI(issuer, account, key, TOTP_PERIOD, TOTP_DIGITS);
}
