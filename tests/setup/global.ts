import path from "node:path";
import fs from "node:fs/promises";
import type { TestProject } from "vitest/node";
import pg from "pg";
import { startEmbeddedPostgres, type PostgresHandle } from "../../app/db/postgres.server.ts";
import { createDb, migrate } from "../../app/db/knex.server.ts";
import { seedReference } from "../../app/db/seed/reference.ts";
import { TEMPLATE_DB, TEST_DEFAULT_PASSWORD } from "./constants.ts";

/**
 * One Postgres for the whole run: the server named by DATABASE_URL, or a real
 * Postgres started embedded under tests/.tmp (the zero-setup default). A
 * template database is migrated and seeded with the reference data once;
 * every test file clones it (CREATE DATABASE … TEMPLATE) in milliseconds.
 */
// Vitest runs a global setup once per project: the process-wide promise
// below makes them share one Postgres and one template.
const g = globalThis as unknown as { __csdlTestPg?: Promise<{ adminUrl: string; handle: PostgresHandle | null }>; __csdlTestPgUsers?: number };

export default async function setup(project: TestProject) {
  g.__csdlTestPgUsers = (g.__csdlTestPgUsers ?? 0) + 1;
  g.__csdlTestPg ??= prepare();
  const { adminUrl, handle } = await g.__csdlTestPg;
  project.provide("pgAdminUrl", adminUrl);
  return async () => {
    g.__csdlTestPgUsers = (g.__csdlTestPgUsers ?? 1) - 1;
    if (g.__csdlTestPgUsers === 0) await handle?.stop();
  };
}

async function prepare() {
  let handle: PostgresHandle | null = null;
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    const u = new URL(process.env.DATABASE_URL);
    u.pathname = "/postgres";
    adminUrl = u.toString();
  } else {
    const dir = path.resolve("tests/.tmp/embedded");
    handle = await startEmbeddedPostgres({ dataDir: dir, database: "postgres" });
    adminUrl = handle.url;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // Drop databases left by earlier runs that were killed.
  const stale = await admin.query("select datname from pg_database where datname like 'csdl_t_%' or datname = $1", [TEMPLATE_DB]);
  for (const r of stale.rows) await admin.query(`drop database if exists ${pg.escapeIdentifier(r.datname)} with (force)`);
  await admin.query(`create database ${TEMPLATE_DB}`);
  const u = new URL(adminUrl);
  u.pathname = `/${TEMPLATE_DB}`;
  const db = createDb(u.toString(), { max: 2 });
  await migrate(db);
  await seedReference(db, { defaultPassword: TEST_DEFAULT_PASSWORD });
  await db.destroy();
  await admin.end();
  await fs.mkdir("tests/.tmp", { recursive: true });
  return { adminUrl, handle };
}

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}
