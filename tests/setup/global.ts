import path from "node:path";
import fs from "node:fs/promises";
import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import pg from "pg";
import { startEmbeddedPostgres, type PostgresHandle } from "../../app/db/postgres.server.ts";
import { createDb, migrate } from "../../app/db/knex.server.ts";
import { seedReference } from "../../app/db/seed/reference.ts";
import { TEST_DEFAULT_PASSWORD } from "./constants.ts";

/**
 * One Postgres for the whole run: the server named by DATABASE_URL, or a real
 * Postgres started embedded in a per-run folder under tests/.tmp (the
 * zero-setup default). A template database is migrated and seeded with the
 * reference data once; every test file clones it (CREATE DATABASE …
 * TEMPLATE) in milliseconds. Names carry a run id, so parallel runs on one
 * server never touch each other's databases.
 */
interface Shared {
  adminUrl: string;
  templateDb: string;
  runId: string;
  cleanup: () => Promise<void>;
}
// Vitest calls a global setup once per project: this process-wide promise
// makes the projects share one Postgres and one template.
const g = globalThis as unknown as { __csdlTest?: Promise<Shared>; __csdlTestUsers?: number };

export default async function setup(project: TestProject) {
  g.__csdlTestUsers = (g.__csdlTestUsers ?? 0) + 1;
  g.__csdlTest ??= prepare();
  const shared = await g.__csdlTest;
  project.provide("pgAdminUrl", shared.adminUrl);
  project.provide("pgTemplateDb", shared.templateDb);
  project.provide("testRunId", shared.runId);
  return async () => {
    g.__csdlTestUsers = (g.__csdlTestUsers ?? 1) - 1;
    if (g.__csdlTestUsers === 0) await shared.cleanup();
  };
}

async function prepare(): Promise<Shared> {
  const runId = randomBytes(3).toString("hex");
  let handle: PostgresHandle | null = null;
  let adminUrl: string;
  const dir = path.resolve(`tests/.tmp/pg-${runId}`);
  if (process.env.DATABASE_URL) {
    const u = new URL(process.env.DATABASE_URL);
    u.pathname = "/postgres";
    adminUrl = u.toString();
  } else {
    handle = await startEmbeddedPostgres({ dataDir: dir, database: "postgres" });
    adminUrl = handle.url;
  }
  const templateDb = `csdl_t_${runId}_tpl`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${templateDb}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${templateDb}`;
  const db = createDb(u.toString(), { max: 2 });
  await migrate(db);
  await seedReference(db, { defaultPassword: TEST_DEFAULT_PASSWORD });
  await db.destroy();
  return {
    adminUrl,
    templateDb,
    runId,
    async cleanup() {
      if (handle) {
        await handle.stop();
        await fs.rm(dir, { recursive: true, force: true });
        return;
      }
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      const left = await a.query("select datname from pg_database where datname like $1", [`csdl_t_${runId}_%`]);
      for (const r of left.rows) await a.query(`drop database if exists ${pg.escapeIdentifier(r.datname)} with (force)`);
      await a.end();
    },
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplateDb: string;
    testRunId: string;
  }
}
