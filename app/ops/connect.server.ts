import fs from "node:fs/promises";
import path from "node:path";
import type { AppConfig } from "../platform/config.server.ts";
import { startEmbeddedPostgres, type PostgresHandle } from "../db/postgres.server.ts";

/**
 * The operational database for the ops CLIs: DATABASE_URL when set; else the
 * embedded cluster in DATA_DIR — the running platform's postmaster when it is
 * up (port read from postmaster.pid, password from pg-credentials.json), or
 * one started for the duration of the command.
 */
export async function openOperationalPostgres(config: Pick<AppConfig, "DATABASE_URL" | "dataDir">, log?: (l: string) => void): Promise<PostgresHandle> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: false, stop: async () => {} };
  const running = await runningEmbedded(config.dataDir);
  if (running) return { url: running, embedded: true, stop: async () => {} };
  return startEmbeddedPostgres({ dataDir: config.dataDir, log });
}

async function runningEmbedded(dataDir: string): Promise<string | null> {
  const pid = await fs.readFile(path.join(dataDir, "pg", "postmaster.pid"), "utf8").catch(() => null);
  if (!pid) return null;
  const lines = pid.split("\n");
  const proc = Number(lines[0]);
  const port = Number(lines[3]);
  try {
    process.kill(proc, 0);
  } catch {
    return null;
  }
  const cred = await fs.readFile(path.join(dataDir, "pg-credentials.json"), "utf8").catch(() => null);
  if (!cred || !port) return null;
  const { password } = JSON.parse(cred) as { password: string };
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/csdl`;
}
