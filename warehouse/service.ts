import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance, type DuckDBConnection, type DuckDBResultReader, type DuckDBValue } from "@duckdb/node-api";
import { plainColumns, plainRows } from "./plain-values.ts";
import { TABLES, tableDdl, typesDdl } from "./schema.ts";
import type { ResultColumns, WarehouseReader } from "./query/types.ts";

/**
 * The one DuckDB instance of a process. DuckDB lets a single process write a
 * database file, so the platform server owns it (loaders reach it through
 * context.services.warehouse) and the ETL running inside the server writes
 * through it; the CLI opens the file itself only when no server holds it.
 *
 * Readers get connections from a small pool; DuckDB's MVCC means a reader sees
 * either the state before an ETL commit or after, never half of it.
 */
export interface WarehouseService extends WarehouseReader {
  readonly path: string;
  readonly instance: DuckDBInstance;
  /** A dedicated connection for a writer (the ETL); close it when done (memoised look-ups are dropped then). */
  connect(): Promise<DuckDBConnection>;
  memo<T>(key: string, load: () => Promise<T>): Promise<T>;
  columns(sql: string, params?: readonly (string | number | boolean | null)[]): Promise<ResultColumns>;
  /** True when the file has been loaded at least once (etl_state has a loaded_at). */
  isLoaded(): Promise<boolean>;
  close(): Promise<void>;
}

export interface WarehouseConfig {
  /** File path; ":memory:" for tests that need no file. */
  path: string;
  /** DuckDB threads (default: all cores). */
  threads?: number;
  /** DuckDB memory_limit, e.g. "2GB". Default: 40 % of RAM, at most 4 GB (large loads spill to disk, the web server keeps its memory). */
  memoryLimit?: string;
  /** Read connections kept for queries (default 3). */
  readers?: number;
}

export class WarehouseLockedError extends Error {
  override name = "WarehouseLockedError";
}

export async function openWarehouse(config: WarehouseConfig): Promise<WarehouseService> {
  if (config.path !== ":memory:") mkdirSync(path.dirname(path.resolve(config.path)), { recursive: true });
  const options: Record<string, string> = {};
  if (config.threads) options.threads = String(config.threads);
  options.memory_limit = config.memoryLimit ?? `${Math.max(256, Math.min(4096, Math.floor((os.totalmem() / 2 ** 20) * 0.4)))}MB`;
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(config.path, options);
  } catch (e) {
    const msg = (e as Error).message;
    if (/lock/i.test(msg))
      throw new WarehouseLockedError(`Kho dữ liệu đang được tiến trình khác mở (máy chủ đang chạy?) / warehouse file is held by another process: ${msg}`);
    throw e;
  }
  const setup = await instance.connect();
  await setup.run(typesDdl());
  for (const t of TABLES) await setup.run(tableDdl(t));
  setup.closeSync();

  const poolSize = Math.max(1, config.readers ?? 3);
  const idle: DuckDBConnection[] = [];
  const waiters: ((c: DuckDBConnection) => void)[] = [];
  let created = 0;
  let closed = false;

  async function acquire(): Promise<DuckDBConnection> {
    if (closed) throw new Error("warehouse closed");
    const c = idle.pop();
    if (c) return c;
    if (created < poolSize) {
      created++;
      return instance.connect();
    }
    return new Promise((resolve) => waiters.push(resolve));
  }
  function release(c: DuckDBConnection) {
    const w = waiters.shift();
    if (w) w(c);
    else idle.push(c);
  }

  // memo(): values kept per writer generation. Every writer connection bumps the generation
  // when it opens and when it closes, and nothing is kept while one is open, so a value
  // computed before or during a write is never served after it.
  let generation = 0;
  let writers = 0;
  const memos = new Map<string, { generation: number; value: Promise<unknown> }>();
  async function connectWriter(): Promise<DuckDBConnection> {
    const c = await instance.connect();
    writers++;
    generation++;
    let open = true;
    const done = () => {
      if (!open) return;
      open = false;
      writers--;
      generation++;
    };
    const closeSync = c.closeSync.bind(c);
    const disconnectSync = c.disconnectSync.bind(c);
    c.closeSync = () => {
      try {
        closeSync();
      } finally {
        done();
      }
    };
    c.disconnectSync = () => {
      try {
        disconnectSync();
      } finally {
        done();
      }
    };
    return c;
  }

  async function read<T>(sql: string, params: readonly unknown[], convert: (r: DuckDBResultReader) => T): Promise<T> {
    const c = await acquire();
    try {
      // Without parameters one call runs the statement; with them the binding extracts,
      // prepares, binds and runs it (four trips to DuckDB's thread, and a second plan).
      return convert(params.length > 0 ? await c.runAndReadAll(sql, params as DuckDBValue[]) : await c.runAndReadAll(sql));
    } finally {
      release(c);
    }
  }

  const service: WarehouseService = {
    path: config.path,
    instance,
    async all(sql, params = []) {
      return read(sql, params, plainRows);
    },
    async columns(sql, params = []) {
      return read(sql, params, plainColumns);
    },
    memo<T>(key: string, load: () => Promise<T>): Promise<T> {
      if (writers > 0) return load();
      const hit = memos.get(key);
      if (hit && hit.generation === generation) return hit.value as Promise<T>;
      const entry = { generation, value: load() as Promise<unknown> };
      memos.set(key, entry);
      entry.value.catch(() => {
        if (memos.get(key) === entry) memos.delete(key);
      });
      return entry.value as Promise<T>;
    },
    connect: connectWriter,
    async isLoaded() {
      const rows = await service.all(`select value from etl_state where key = 'loaded_at'`);
      return rows.length > 0;
    },
    async close() {
      closed = true;
      for (const c of idle.splice(0)) c.closeSync();
      instance.closeSync();
    },
  };
  return service;
}
