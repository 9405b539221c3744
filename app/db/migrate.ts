import { loadConfig } from "../platform/config.server.ts";
import { openPostgres } from "./postgres.server.ts";
import { createDb, migrate } from "./knex.server.ts";

/** `npm run db:migrate`: apply pending migrations to DATABASE_URL, or to the embedded cluster in DATA_DIR. */
const config = loadConfig();
const pg = await openPostgres({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir });
const db = createDb(pg.url, { max: 2 });
try {
  const applied = await migrate(db);
  console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Schema is up to date.");
} catch (e) {
  console.error(`Migration failed: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await db.destroy();
  await pg.stop();
}
