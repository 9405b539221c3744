import { createReadStream } from "node:fs";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import pg from "pg";
import copyStreams from "pg-copy-streams";
import { createDb, migrate } from "../db/knex.server.ts";
import { migrations } from "../db/migrations/index.ts";
import { CANONICAL_SESSION_SQL, DigestSink, copyInSql, listTables, quoteIdent } from "./catalog.server.ts";
import { BackupError, type Manifest } from "./manifest.ts";
import { readManifest } from "./store.server.ts";

/**
 * Restore a backup into an EMPTY database:
 *  1. the migrations up to the backup's schema version create the schema;
 *  2. one transaction loads every table (parents first) with COPY, with
 *     triggers bypassed — `set local session_replication_role = replica`
 *     (superuser), or, failing that, `alter table … disable trigger user`
 *     re-enabled before commit (table owner) — so that the audit chain
 *     trigger does not recompute the stored hashes and append-only triggers
 *     do not refuse the load; every file's SHA-256 is checked while loading
 *     and a mismatch rolls the whole load back;
 *  3. sequences are set to the saved values (never below the max id);
 *  4. the remaining migrations bring the schema to the current version.
 */
export interface RestoreResult {
  manifest: Manifest;
  tables: { name: string; rows: number }[];
  triggerBypass: "replica" | "disable_trigger";
  migratedAfter: string[];
}

export async function isDatabaseEmpty(client: pg.ClientBase): Promise<boolean> {
  const r = await client.query(
    `select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r','p','v','m','S')`,
  );
  return r.rows[0].n === 0;
}

export async function restoreBackup(backupPath: string, targetUrl: string, opts: { log?: (l: string) => void } = {}): Promise<RestoreResult> {
  const log = opts.log ?? (() => {});
  const manifest = await readManifest(backupPath);
  const unknown = manifest.migrations.filter((m) => !(m in migrations));
  if (unknown.length) {
    throw new BackupError(`Bản sao lưu có migration mà phần mềm này không biết (${unknown.join(", ")}) — cần phiên bản phần mềm tương ứng.`);
  }

  const client = new pg.Client({ connectionString: targetUrl, application_name: "csdl-restore" });
  await client.connect();
  try {
    if (!(await isDatabaseEmpty(client))) {
      throw new BackupError("Cơ sở dữ liệu đích không trống: chỉ khôi phục vào một cơ sở dữ liệu mới, trống.");
    }
    // 1. schema at the backup's version
    const db = createDb(targetUrl, { max: 2 });
    try {
      await db.migrate.latest({ migrationSource: sourceOf(manifest.migrations) });
    } finally {
      await db.destroy();
    }
    // 2. data
    await client.query(CANONICAL_SESSION_SQL);
    await client.query("begin");
    let bypass: RestoreResult["triggerBypass"] = "replica";
    await client.query("savepoint bypass");
    try {
      await client.query("set local session_replication_role = replica");
    } catch {
      await client.query("rollback to savepoint bypass");
      bypass = "disable_trigger";
    }
    const present = new Map((await listTables(client)).map((t) => [t.name, t]));
    const missing = manifest.tables.filter((t) => !present.has(t.name)).map((t) => t.name);
    if (missing.length) throw new BackupError(`Lược đồ đích thiếu bảng: ${missing.join(", ")}`);
    if (bypass === "disable_trigger") {
      for (const t of manifest.tables) await client.query(`alter table ${quoteIdent(t.name)} disable trigger user`);
    }
    const loaded: RestoreResult["tables"] = [];
    for (const t of manifest.tables) {
      // rows a migration may have seeded are replaced by the backup's
      await client.query(`delete from ${quoteIdent(t.name)}`);
      const digest = new DigestSink();
      const tee = new Transform({
        transform(chunk: Buffer, _e, cb) {
          digest.update(chunk);
          cb(null, chunk);
        },
      });
      await pipeline(createReadStream(path.join(backupPath, path.basename(t.file))), createGunzip(), tee, client.query(copyStreams.from(copyInSql(t))));
      const d = digest.digest();
      if (d.rows !== t.rows || d.sha256 !== t.sha256) {
        throw new BackupError(`Tệp ${t.file} hỏng: ${d.rows} dòng / ${d.sha256.slice(0, 12)}… khác manifest (${t.rows} / ${t.sha256.slice(0, 12)}…)`);
      }
      loaded.push({ name: t.name, rows: d.rows });
      log(`  ${t.name}: ${d.rows} dòng`);
    }
    if (bypass === "disable_trigger") {
      for (const t of manifest.tables) await client.query(`alter table ${quoteIdent(t.name)} enable trigger user`);
    }
    // 3. sequences: the saved value, and never below the largest id present
    const seqOwners = await client.query<{ seq: string; tbl: string; col: string }>(
      `select s.relname as seq, t.relname as tbl, a.attname as col from pg_depend d
         join pg_class s on s.oid = d.objid and s.relkind = 'S'
         join pg_class t on t.oid = d.refobjid join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
         join pg_namespace n on n.oid = s.relnamespace where n.nspname = 'public' and d.deptype in ('a','i')`,
    );
    const saved = new Map(manifest.sequences.map((s) => [s.name, s]));
    for (const o of seqOwners.rows) {
      if (/^knex_migrations/.test(o.tbl)) continue;
      const max = Number((await client.query(`select coalesce(max(${quoteIdent(o.col)}), 0) as m from ${quoteIdent(o.tbl)}`)).rows[0].m);
      const s = saved.get(o.seq);
      const value = Math.max(max, s?.isCalled ? s.lastValue : 0);
      if (value > 0) await client.query("select setval($1::regclass, $2, true)", [quoteIdent(o.seq), value]);
      else await client.query("select setval($1::regclass, 1, false)", [quoteIdent(o.seq)]);
    }
    await client.query("commit");
    // 4. the rest of the migrations
    const db2 = createDb(targetUrl, { max: 2 });
    let migratedAfter: string[] = [];
    try {
      migratedAfter = await migrate(db2);
    } finally {
      await db2.destroy();
    }
    return { manifest, tables: loaded, triggerBypass: bypass, migratedAfter };
  } catch (e) {
    await client.query("rollback").catch(() => {});
    throw e;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A migration source holding exactly the migrations the backup's database had applied. */
function sourceOf(names: string[]) {
  const sorted = [...names].sort();
  return {
    async getMigrations() {
      return sorted;
    },
    getMigrationName: (n: string) => n,
    async getMigration(n: string) {
      return migrations[n];
    },
  };
}
