import { createHash } from "node:crypto";
import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";
import type pg from "pg";
import copyStreams from "pg-copy-streams";

/**
 * What a backup copies and how a table's content is made canonical, so that
 * a backup and a later verification of a restored copy compute the same
 * SHA-256: rows in primary-key order, COPY text format, and session settings
 * fixed (UTC, ISO dates) before any COPY.
 */
export interface TableInfo {
  name: string;
  columns: string[];
  orderBy: string[];
  /** Tables this one references (foreign keys), for the load order. */
  dependsOn: string[];
}

/** Recreated by the migrations, or ephemeral (sign-ins are not restored). */
export const EXCLUDED_TABLES: Record<string, string> = {
  knex_migrations: "recreated by the migrations",
  knex_migrations_lock: "recreated by the migrations",
  sessions: "ephemeral: every user signs in again after a restore",
};

export const CANONICAL_SESSION_SQL =
  "set timezone = 'UTC'; set datestyle = 'ISO, YMD'; set intervalstyle = 'postgres'; set extra_float_digits = 3; set bytea_output = 'hex'";

export const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

export async function listTables(client: pg.ClientBase): Promise<TableInfo[]> {
  const tables = await client.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r','p') order by c.relname`,
  );
  const cols = await client.query<{ table_name: string; column_name: string }>(
    `select table_name, column_name from information_schema.columns
      where table_schema = 'public' order by table_name, ordinal_position`,
  );
  const pks = await client.query<{ table_name: string; column_name: string }>(
    `select c.relname as table_name, a.attname as column_name
       from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
       join lateral unnest(i.indkey) with ordinality as k(attnum, ord) on true
       join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
      where n.nspname = 'public' and i.indisprimary order by c.relname, k.ord`,
  );
  const fks = await client.query<{ child: string; parent: string }>(
    `select distinct c.relname as child, p.relname as parent from pg_constraint k
       join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
       join pg_namespace n on n.oid = c.relnamespace
      where k.contype = 'f' and n.nspname = 'public'`,
  );
  const group = <T extends { table_name: string; column_name: string }>(rows: T[]) => {
    const m = new Map<string, string[]>();
    for (const r of rows) m.set(r.table_name, [...(m.get(r.table_name) ?? []), r.column_name]);
    return m;
  };
  const colMap = group(cols.rows);
  const pkMap = group(pks.rows);
  return tables.rows
    .filter((t) => !(t.name in EXCLUDED_TABLES))
    .map((t) => {
      const columns = colMap.get(t.name) ?? [];
      return {
        name: t.name,
        columns,
        orderBy: pkMap.get(t.name) ?? columns,
        dependsOn: fks.rows.filter((f) => f.child === t.name && f.parent !== t.name).map((f) => f.parent),
      };
    });
}

/** Parents before children (foreign keys); ties by name, so the order is stable. */
export function dependencyOrder(tables: TableInfo[]): TableInfo[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const out: TableInfo[] = [];
  const visit = (t: TableInfo, stack: Set<string>) => {
    if (done.has(t.name) || stack.has(t.name)) return; // a cycle is loaded in name order (triggers are off)
    stack.add(t.name);
    for (const d of [...t.dependsOn].sort()) {
      const p = byName.get(d);
      if (p) visit(p, stack);
    }
    stack.delete(t.name);
    done.add(t.name);
    out.push(t);
  };
  for (const t of [...tables].sort((a, b) => a.name.localeCompare(b.name))) visit(t, new Set());
  return out;
}

export function copyOutSql(t: TableInfo): string {
  const cols = t.columns.map(quoteIdent).join(", ");
  const order = t.orderBy.map(quoteIdent).join(", ");
  return `copy (select ${cols} from ${quoteIdent(t.name)} order by ${order}) to stdout`;
}

export function copyInSql(t: { name: string; columns: string[] }): string {
  return `copy ${quoteIdent(t.name)} (${t.columns.map(quoteIdent).join(", ")}) from stdin`;
}

export interface TableDigest {
  rows: number;
  sha256: string;
  bytes: number;
}

/** A Writable that hashes and counts COPY text rows (each row ends with "\n"; embedded newlines are escaped). */
export class DigestSink extends Writable {
  private hash = createHash("sha256");
  rows = 0;
  bytes = 0;
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void) {
    this.update(chunk);
    cb();
  }
  /** Synchronous: for use outside a pipeline (tee). */
  update(chunk: Buffer) {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) this.rows++;
  }
  digest(): TableDigest {
    return { rows: this.rows, sha256: this.hash.digest("hex"), bytes: this.bytes };
  }
}

/** Count and checksum one table as it is now, in the canonical form. */
export async function digestTable(client: pg.ClientBase, t: TableInfo): Promise<TableDigest> {
  const sink = new DigestSink();
  await pipeline(client.query(copyStreams.to(copyOutSql(t))), sink);
  return sink.digest();
}

export interface SequenceState {
  name: string;
  lastValue: number;
  isCalled: boolean;
}

export async function listSequences(client: pg.ClientBase): Promise<SequenceState[]> {
  const r = await client.query<{ name: string; last_value: string | number | null; is_called: boolean }>(
    `select s.relname as name, ps.last_value, ps.last_value is not null as is_called
       from pg_class s join pg_namespace n on n.oid = s.relnamespace
       join pg_sequences ps on ps.schemaname = n.nspname and ps.sequencename = s.relname
      where s.relkind = 'S' and n.nspname = 'public' order by s.relname`,
  );
  return r.rows
    .filter((x) => !/^knex_migrations/.test(x.name))
    .map((x) => ({ name: x.name, lastValue: x.last_value === null ? 1 : Number(x.last_value), isCalled: x.last_value !== null }));
}
