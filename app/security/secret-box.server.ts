import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";

/**
 * Secrets at rest (TOTP keys): AES-256-GCM with a key derived from APP_SECRET
 * (HKDF-SHA256, purpose-bound). Without APP_SECRET (development only —
 * production refuses to start without it) values are stored marked "plain:".
 * Stored form: "v1:<iv>:<ciphertext>:<tag>" (base64url).
 */
export class SecretBoxError extends Error {
  override name = "SecretBoxError";
}

function keyFor(appSecret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", Buffer.from(appSecret, "utf8"), Buffer.from("csdl-dan-toc"), Buffer.from(purpose), 32));
}

export function sealSecret(plain: string, appSecret: string | undefined, purpose: string): string {
  if (!appSecret) return `plain:${plain}`;
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", keyFor(appSecret, purpose), iv);
  c.setAAD(Buffer.from(purpose));
  const ct = Buffer.concat([c.update(plain, "utf8"), c.final()]);
  return `v1:${iv.toString("base64url")}:${ct.toString("base64url")}:${c.getAuthTag().toString("base64url")}`;
}

export function openSecret(sealed: string, appSecret: string | undefined, purpose: string): string {
  if (sealed.startsWith("plain:")) return sealed.slice(6);
  const [v, iv, ct, tag] = sealed.split(":");
  if (v !== "v1" || !iv || !ct || !tag) throw new SecretBoxError("unknown sealed secret format");
  if (!appSecret) throw new SecretBoxError("APP_SECRET is required to read an encrypted secret");
  try {
    const d = createDecipheriv("aes-256-gcm", keyFor(appSecret, purpose), Buffer.from(iv, "base64url"));
    d.setAAD(Buffer.from(purpose));
    d.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([d.update(Buffer.from(ct, "base64url")), d.final()]).toString("utf8");
  } catch {
    throw new SecretBoxError("secret cannot be decrypted (APP_SECRET changed?)");
  }
}

export function sha256Hex(s: string): string {
  return createHash("sha256").update(s, "utf8").digest("hex");
}
