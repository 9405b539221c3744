import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startPlatform, type Platform } from "../../app/platform/server.ts";
import { loadConfig, type AppConfig } from "../../app/platform/config.server.ts";
import { createTestDb, type TestDb } from "./db.ts";
import { createLogger } from "../../app/platform/log.ts";

export interface TestServer {
  baseUrl: string;
  adminUrl: string;
  db: TestDb["db"];
  platform: Platform;
  config: AppConfig;
  stop(): Promise<void>;
}

/**
 * The whole platform as `npm start` runs it (both listeners, real Postgres,
 * the web build from `remix build`) on free ports, over a fresh test database.
 * `env` overrides configuration (e.g. LOCKOUT_THRESHOLD).
 */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const t = await createTestDb();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "csdl-test-"));
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    ADMIN_PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: t.url,
    DATA_DIR: dataDir,
    SEED_DEMO_DATA: "false",
    SCHEDULER: "false",
    LOG_LEVEL: "warn",
    ...env,
  });
  const platform = await startPlatform({ config, log: createLogger("warn") });
  return {
    baseUrl: platform.publicUrl,
    adminUrl: platform.adminUrl,
    db: t.db,
    platform,
    config,
    async stop() {
      await platform.stop();
      await t.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
