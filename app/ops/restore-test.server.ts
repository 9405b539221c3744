import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDb } from "../db/knex.server.ts";
import { verifyAuditChain, type ChainReport } from "../audit/verify.ts";
import { CANONICAL_SESSION_SQL, digestTable } from "./catalog.server.ts";
import { restoreBackup } from "./restore.server.ts";
import { readManifest } from "./store.server.ts";
import type { Manifest } from "./manifest.ts";

/**
 * Restore a backup into a scratch database on the same server, check every
 * table's row count and SHA-256 against the manifest, check the audit chain,
 * optionally rebuild a warehouse from the restored copy and compare its
 * totals, then drop the scratch database.
 */
export interface TableCheck {
  name: string;
  expectedRows: number;
  rows: number;
  ok: boolean;
}

export interface WarehouseCheck {
  ok: boolean;
  summary: Record<string, unknown>;
  error?: string;
}

/** Rebuilds a warehouse from the restored database and compares its totals (provided by etl/). */
export type WarehouseRebuildCheck = (restoredUrl: string, manifest: Manifest) => Promise<WarehouseCheck>;

export interface RestoreTestReport {
  ok: boolean;
  backupName: string;
  schemaVersion: string;
  scratchDatabase: string;
  tables: TableCheck[];
  failedTables: string[];
  audit: ChainReport;
  warehouse: WarehouseCheck | null;
  triggerBypass: string;
  durationMs: number;
}

export function scratchUrl(serverUrl: string, database: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function runRestoreTestOn(
  serverUrl: string,
  backupPath: string,
  opts: { warehouse?: WarehouseRebuildCheck; log?: (l: string) => void; keepScratch?: boolean } = {},
): Promise<RestoreTestReport> {
  const t0 = Date.now();
  const log = opts.log ?? (() => {});
  const manifest = await readManifest(backupPath);
  const scratch = `csdl_restore_test_${new Date().toISOString().slice(0, 10).replace(/-/g, "")}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl, application_name: "csdl-restore-test" });
  await admin.connect();
  try {
    await admin.query(`create database ${pg.escapeIdentifier(scratch)}`);
    const url = scratchUrl(serverUrl, scratch);
    log(`Khôi phục ${manifest.name} vào ${scratch} …`);
    const restored = await restoreBackup(backupPath, url, { log });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const tables: TableCheck[] = [];
    const failed: string[] = [];
    try {
      await client.query(CANONICAL_SESSION_SQL);
      await client.query("begin isolation level repeatable read read only");
      for (const t of manifest.tables) {
        const d = await digestTable(client, { name: t.name, columns: t.columns, orderBy: t.orderBy, dependsOn: [] });
        const ok = d.rows === t.rows && d.sha256 === t.sha256;
        tables.push({ name: t.name, expectedRows: t.rows, rows: d.rows, ok });
        if (!ok) failed.push(t.name);
      }
      await client.query("commit");
    } finally {
      await client.end();
    }
    const db = createDb(url, { max: 2 });
    let audit: ChainReport;
    try {
      audit = await verifyAuditChain(db);
    } finally {
      await db.destroy();
    }
    let warehouse: WarehouseCheck | null = null;
    if (opts.warehouse) {
      warehouse = await opts.warehouse(url, manifest).catch((e: unknown) => ({ ok: false, summary: {}, error: e instanceof Error ? e.message : String(e) }));
    }
    return {
      ok: failed.length === 0 && audit.ok && (warehouse?.ok ?? true),
      backupName: manifest.name,
      schemaVersion: manifest.schemaVersion,
      scratchDatabase: scratch,
      tables,
      failedTables: failed,
      audit,
      warehouse,
      triggerBypass: restored.triggerBypass,
      durationMs: Date.now() - t0,
    };
  } finally {
    if (!opts.keepScratch) await admin.query(`drop database if exists ${pg.escapeIdentifier(scratch)} with (force)`).catch(() => {});
    await admin.end().catch(() => {});
  }
}
