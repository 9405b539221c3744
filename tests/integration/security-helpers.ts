import type { Knex } from "knex";
import { keyToBase32, newTotpKey, totpCode } from "../../app/security/totp.ts";
import { sealSecret } from "../../app/security/secret-box.server.ts";
import type { TestClient } from "../setup/http.ts";

/**
 * For tests that need an administrator past the MFA rule: enrol a TOTP key
 * directly in the database and pass the sign-in step with a current code.
 */
export async function enrolTotp(db: Knex, username: string, appSecret?: string): Promise<Uint8Array> {
  const key = newTotpKey();
  await db("users")
    .where({ username })
    .update({ totp_secret: sealSecret(keyToBase32(key), appSecret, "totp"), totp_enabled_at: new Date(), totp_last_step: null });
  return key;
}

/**
 * Passes /login/mfa. Codes are single-use per time step, so when another
 * client of the same account already used this step's code, the next step's
 * code (inside the ±1 step window) is tried.
 */
export async function passMfa(c: TestClient, key: Uint8Array, stepOffset = 0): Promise<Response> {
  await c.get("/login/mfa");
  let res = await c.post("/login/mfa", { code: totpCode(key, Date.now() + stepOffset * 30_000) });
  if (res.status === 401 && stepOffset < 1) {
    await c.get("/login/mfa");
    res = await c.post("/login/mfa", { code: totpCode(key, Date.now() + (stepOffset + 1) * 30_000) });
  }
  return res;
}
