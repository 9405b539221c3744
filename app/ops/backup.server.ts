import fs from "node:fs/promises";
import { createWriteStream } from "node:fs";
import path from "node:path";
import { PassThrough, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import pg from "pg";
import copyStreams from "pg-copy-streams";
import {
  CANONICAL_SESSION_SQL, DigestSink, EXCLUDED_TABLES, copyOutSql, dependencyOrder, listSequences, listTables,
} from "./catalog.server.ts";
import { MANIFEST_FORMAT, BackupError, type Manifest, type ManifestTable } from "./manifest.ts";
import { listBackups } from "./store.server.ts";

/**
 * A consistent snapshot of the operational database without pg_dump (which
 * embedded Postgres does not ship): one REPEATABLE READ, READ ONLY
 * transaction on one connection, COPY of every table in primary-key order,
 * each gzip-compressed into <dir>/<name>/<table>.tsv.gz, plus manifest.json
 * with row counts and SHA-256 of the uncompressed COPY text. The backup is
 * written into "<name>.partial" and renamed when complete, so a crashed run
 * never looks like a backup.
 */
export interface BackupOptions {
  dir: string;
  keep?: number;
  now?: Date;
  log?: (line: string) => void;
}

export interface BackupResult {
  path: string;
  manifest: Manifest;
  pruned: string[];
}

export function backupName(d: Date): string {
  return `csdl-${d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}`;
}

export async function createBackup(databaseUrl: string, opts: BackupOptions): Promise<BackupResult> {
  const started = opts.now ?? new Date();
  const log = opts.log ?? (() => {});
  const root = path.resolve(opts.dir);
  await fs.mkdir(root, { recursive: true, mode: 0o700 });
  let name = backupName(started);
  for (let i = 2; await exists(path.join(root, name)); i++) name = `${backupName(started)}-${i}`;
  const partial = path.join(root, `${name}.partial`);
  await fs.rm(partial, { recursive: true, force: true });
  await fs.mkdir(partial, { mode: 0o700 });

  const client = new pg.Client({ connectionString: databaseUrl, application_name: "csdl-backup" });
  await client.connect();
  try {
    await client.query(CANONICAL_SESSION_SQL);
    await client.query("begin isolation level repeatable read read only");
    const txid = (await client.query<{ txid: string }>("select pg_current_snapshot()::text as txid")).rows[0].txid;
    const applied = await client
      .query<{ name: string }>("select name from knex_migrations order by name")
      .then((r) => r.rows.map((x) => x.name))
      .catch(() => [] as string[]);
    const version = applied[applied.length - 1];
    if (!version) throw new BackupError("Cơ sở dữ liệu chưa có lược đồ (knex_migrations trống) — không có gì để sao lưu.");
    const postgresVersion = (await client.query<{ v: string }>("select current_setting('server_version') as v")).rows[0].v;
    const tables = dependencyOrder(await listTables(client));
    const sequences = await listSequences(client);
    const auditHead = tables.some((t) => t.name === "audit_log")
      ? ((await client.query<{ id: number; hash: string }>("select id::int as id, hash from audit_log order by id desc limit 1")).rows[0] ?? null)
      : null;
    const out: ManifestTable[] = [];
    for (const t of tables) {
      const file = `${t.name}.tsv.gz`;
      const target = path.join(partial, file);
      const digest = new DigestSink();
      const tee = new PassThrough();
      const copy = client.query(copyStreams.to(copyOutSql(t)));
      const toFile = pipeline(tee, createGzip({ level: 6 }), createWriteStream(target, { mode: 0o600 }));
      const toDigest = pipeline(copy, new Tee(tee, digest)).catch((e) => {
        tee.destroy(e);
        throw e;
      });
      await Promise.all([toDigest, toFile]);
      const d = digest.digest();
      const compressedBytes = (await fs.stat(target)).size;
      out.push({ name: t.name, file, columns: t.columns, orderBy: t.orderBy, rows: d.rows, sha256: d.sha256, bytes: d.bytes, compressedBytes });
      log(`  ${t.name}: ${d.rows} dòng`);
    }
    await client.query("commit");
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      name,
      createdAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      schemaVersion: version,
      migrations: applied,
      postgresVersion,
      snapshot: { isolation: "repeatable read", txid },
      tables: out,
      sequences,
      auditHead,
      excluded: EXCLUDED_TABLES,
      totals: {
        rows: out.reduce((s, t) => s + t.rows, 0),
        bytes: out.reduce((s, t) => s + t.bytes, 0),
        compressedBytes: out.reduce((s, t) => s + t.compressedBytes, 0),
      },
    };
    await fs.writeFile(path.join(partial, "manifest.json"), JSON.stringify(manifest, null, 2), { mode: 0o600 });
    await fs.rename(partial, path.join(root, name));
    const pruned = opts.keep ? await pruneBackups(root, opts.keep) : [];
    return { path: path.join(root, name), manifest, pruned };
  } catch (e) {
    await client.query("rollback").catch(() => {});
    await fs.rm(partial, { recursive: true, force: true });
    throw e;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Keep the newest `keep` complete backups; remove older ones and stale partial folders. */
export async function pruneBackups(dir: string, keep: number): Promise<string[]> {
  const all = await listBackups(dir);
  const removed: string[] = [];
  for (const b of all.slice(keep)) {
    await fs.rm(b.path, { recursive: true, force: true });
    removed.push(b.name);
  }
  for (const e of await fs.readdir(dir).catch(() => [] as string[])) {
    if (!e.endsWith(".partial")) continue;
    const st = await fs.stat(path.join(dir, e)).catch(() => null);
    if (st && Date.now() - st.mtimeMs > 6 * 3600_000) await fs.rm(path.join(dir, e), { recursive: true, force: true });
  }
  return removed;
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(() => true, () => false);
}

/** Writes every chunk to two writables, honouring back-pressure of the first. */
class Tee extends Writable {
  constructor(private a: PassThrough, private b: DigestSink) {
    super();
  }
  override _write(chunk: Buffer, enc: BufferEncoding, cb: (e?: Error | null) => void) {
    this.b.update(chunk);
    if (this.a.write(chunk)) cb();
    else this.a.once("drain", () => cb());
  }
  override _final(cb: (e?: Error | null) => void) {
    this.a.end();
    cb();
  }
}
