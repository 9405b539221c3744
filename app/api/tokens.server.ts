import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import type { Db } from "../db/knex.server.ts";
import { buildScope, type Scope } from "../scope/scope.ts";

/**
 * Per-client API tokens for /api/v1 (UBDT national system, the province's
 * LGSP). A token is "csdl_" + 32 random bytes (base32); only its SHA-256
 * is stored, so the clear token is shown once, at creation. A token reads
 * exactly what its unit's account could: the unit's subtree (plus, for a
 * sector department, its domains province-wide).
 */
export const TOKEN_PREFIX = "csdl_";

export function hashToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export function generateToken(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return TOKEN_PREFIX + encodeBase32LowerCaseNoPadding(bytes);
}

export interface NewToken {
  clientName: string;
  unitId: number;
  createdBy: number | null;
  ratePerMinute?: number;
  expiresAt?: Date | null;
}

export async function createApiToken(db: Db, t: NewToken): Promise<{ id: number; token: string }> {
  const token = generateToken();
  const [row] = await db("api_tokens")
    .insert({
      client_name: t.clientName,
      token_prefix: token.slice(0, TOKEN_PREFIX.length + 6),
      token_hash: hashToken(token),
      unit_id: t.unitId,
      rate_limit_per_minute: t.ratePerMinute ?? 120,
      created_by: t.createdBy,
      expires_at: t.expiresAt ?? null,
    })
    .returning("id");
  return { id: row.id, token };
}

export async function revokeApiToken(db: Db, id: number, by: number | null): Promise<boolean> {
  const n = await db("api_tokens").where({ id }).whereNull("revoked_at").update({ revoked_at: db.fn.now(), revoked_by: by });
  return n > 0;
}

export interface ApiClient {
  tokenId: number;
  clientName: string;
  unitId: number;
  unitName: string;
  unitCode: string;
  ratePerMinute: number;
  scope: Scope;
}

export type TokenCheck = { ok: true; client: ApiClient } | { ok: false; reason: "missing" | "invalid" | "revoked" | "expired" };

/** Look a bearer token up by its hash; revoked and expired tokens are refused. */
export async function verifyApiToken(db: Db, token: string | null): Promise<TokenCheck> {
  if (!token) return { ok: false, reason: "missing" };
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return { ok: false, reason: "invalid" };
  const row = await db("api_tokens as t")
    .join("units as u", "u.id", "t.unit_id")
    .where("t.token_hash", hashToken(token))
    .first("t.id", "t.client_name", "t.revoked_at", "t.expires_at", "t.rate_limit_per_minute", "u.id as unit_id", "u.name", "u.code", "u.path", "u.tier", "u.sector_domains");
  if (!row) return { ok: false, reason: "invalid" };
  if (row.revoked_at) return { ok: false, reason: "revoked" };
  if (row.expires_at && new Date(row.expires_at) <= new Date()) return { ok: false, reason: "expired" };
  const scope = buildScope({
    userId: 0,
    username: `api:${row.client_name}`,
    unitId: row.unit_id,
    unitPath: row.path,
    tier: row.tier,
    roles: ["viewer"],
    sectorDomains: row.sector_domains ?? [],
  });
  return {
    ok: true,
    client: { tokenId: row.id, clientName: row.client_name, unitId: row.unit_id, unitName: row.name, unitCode: row.code, ratePerMinute: row.rate_limit_per_minute, scope },
  };
}

export async function touchApiToken(db: Db, id: number): Promise<void> {
  await db("api_tokens").where({ id }).update({ last_used_at: db.fn.now(), calls: db.raw("calls + 1") });
}
