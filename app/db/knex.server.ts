import knexFactory, { type Knex } from "knex";
import pg from "pg";
import { migrations } from "./migrations/index.ts";

// Postgres numeric/bigint arrive as strings; counts and values here fit a double.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => (v === null ? null : Number(v)));
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => (v === null ? null : Number(v)));
// Dates stay "YYYY-MM-DD" strings: no time-zone shifts on reference dates.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export type Db = Knex;

export function createDb(url: string, opts: { max?: number } = {}): Db {
  return knexFactory({
    client: "pg",
    connection: { connectionString: url, application_name: "csdl-dan-toc" },
    pool: { min: 0, max: opts.max ?? 20, acquireTimeoutMillis: 15000, idleTimeoutMillis: 10000 },
    acquireConnectionTimeout: 15000,
  });
}

const migrationSource: Knex.MigrationSource<string> = {
  async getMigrations() {
    return Object.keys(migrations).sort();
  },
  getMigrationName(name) {
    return name;
  },
  async getMigration(name) {
    const m = migrations[name];
    if (!m) throw new Error(`unknown migration ${name}`);
    return m;
  },
};

export async function migrate(db: Db): Promise<string[]> {
  const [, applied] = await db.migrate.latest({ migrationSource });
  return applied as string[];
}

export async function schemaVersion(db: Db): Promise<string | null> {
  const row = await db("knex_migrations").orderBy("id", "desc").first("name").catch(() => null);
  return row?.name ?? null;
}
