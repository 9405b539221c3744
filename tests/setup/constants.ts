export const TEST_DEFAULT_PASSWORD = "@Bcd1234";
/** A password that meets every rule, for tests that get past the first-sign-in change. */
export const STRONG_PASSWORD = "Hoa-Sen#2026x";
