import path from "node:path";
import { z } from "zod";

/**
 * The platform's configuration, parsed from the environment once at start-up.
 * Every bad field is named before anything starts (fail fast).
 */
const bool = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off"])
  .transform((v) => ["1", "true", "yes", "on"].includes(v));
const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: int(3000),
  HOST: z.string().default("0.0.0.0"),
  ADMIN_PORT: int(3001),
  ADMIN_HOST: z.string().default("127.0.0.1"),
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default("./data"),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(0).max(65535).default(0), // 0 = a free port
  WAREHOUSE_PATH: z.string().optional(),
  DEFAULT_PASSWORD: z.string().min(8).default("@Bcd1234"),
  PASSWORD_MAX_AGE_DAYS: int(180, 1),
  LOCKOUT_THRESHOLD: int(5, 1),
  LOCKOUT_MINUTES: int(15, 1),
  SESSION_IDLE_MINUTES: int(30, 1),
  SESSION_ABSOLUTE_HOURS: int(12, 1),
  SEED_DEMO_DATA: bool.default(true),
  ETL_CRON: z.string().default("*/5 * * * *"),
  ETL_AFTER_APPROVAL: bool.default(true),
  SCHEDULER: bool.default(true),
  BACKUP_CRON: z.string().default("0 18 * * 2,5"),
  BACKUP_DIR: z.string().default("./backups"),
  BACKUP_KEEP: int(8, 1),
  RESTORE_TEST_CRON: z.string().default("0 20 * * 5"),
  EXPORT_DIR: z.string().default("./exports"),
  APP_SECRET: z.string().min(32).optional(),
  TRUST_PROXY: bool.default(false),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
});

export type Env = z.infer<typeof schema>;
export type AppConfig = Env & { dataDir: string; warehousePath: string; isProduction: boolean };

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== "")));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Cấu hình không hợp lệ / invalid configuration:\n${lines.join("\n")}`);
  }
  const c = parsed.data;
  const isProduction = c.NODE_ENV === "production";
  if (isProduction) {
    const missing: string[] = [];
    if (!c.DATABASE_URL) missing.push("DATABASE_URL (production runs against a managed Postgres server)");
    if (!c.APP_SECRET) missing.push("APP_SECRET (at least 32 characters)");
    if (env.DEFAULT_PASSWORD) missing.push("DEFAULT_PASSWORD must not be set in production: initial passwords are random and one-time");
    if (missing.length) throw new ConfigError(`Production mode refuses to start:\n  ${missing.join("\n  ")}`);
  }
  const dataDir = path.resolve(c.DATA_DIR);
  return {
    ...c,
    dataDir,
    warehousePath: path.resolve(c.WAREHOUSE_PATH ?? path.join(dataDir, "warehouse.duckdb")),
    isProduction,
  };
}
