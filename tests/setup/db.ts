import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import pg from "pg";
import { createDb, type Db } from "../../app/db/knex.server.ts";

export interface TestDb {
  db: Db;
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh database cloned from the migrated, seeded template. */
export async function createTestDb(): Promise<TestDb> {
  const adminUrl = inject("pgAdminUrl");
  const name = `csdl_t_${inject("testRunId")}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${inject("pgTemplateDb")}`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const db = createDb(u.toString(), { max: 10 });
  return {
    db,
    url: u.toString(),
    name,
    async drop() {
      await db.destroy();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** Connection string to the server's maintenance database (for tests that create their own). */
export function adminUrl(): string {
  return inject("pgAdminUrl");
}
