import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";

/**
 * One-time MFA recovery codes: 10 codes of 80 random bits, shown once as
 * "xxxx-xxxx-xxxx-xxxx" (base32), stored only as SHA-256 of the normalised
 * code (80 bits make a fast hash safe against guessing).
 */
export const RECOVERY_CODE_COUNT = 10;

export function newRecoveryCode(): string {
  const b = new Uint8Array(10);
  crypto.getRandomValues(b);
  return encodeBase32LowerCaseNoPadding(b).match(/.{4}/g)!.join("-");
}

export function normaliseRecoveryCode(input: string): string {
  return input.toLowerCase().replace(/[^a-z2-7]/g, "");
}

export function looksLikeRecoveryCode(input: string): boolean {
  return normaliseRecoveryCode(input).length === 16;
}
