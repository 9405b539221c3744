import { loadConfig } from "../platform/config.server.ts";
import { openPostgres } from "../db/postgres.server.ts";
import { createDb } from "../db/knex.server.ts";
import { issueInitialPassword } from "../security/initial-password.server.ts";

/**
 * Operator bootstrap on the server itself (production seeds accounts with no
 * usable password): `npm run account:initial-password -- <username>` prints a
 * one-time initial password (random in production, valid 7 days) for the
 * account, typically the province committee's administrator `bandantoctinh`.
 */
const username = (process.argv[2] ?? "").trim().toLowerCase();
if (!username) {
  console.error("Cách dùng / usage: npm run account:initial-password -- <username>");
  process.exit(2);
}
const config = loadConfig();
const pg = await openPostgres({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir });
const db = createDb(pg.url, { max: 2 });
try {
  const user = await db("users").where({ username }).first("id", "status");
  if (!user) {
    console.error(`Không có tài khoản ${username} / no such account`);
    process.exitCode = 1;
  } else if (user.status !== "active") {
    console.error(`Tài khoản ${username} đã đóng / the account is closed`);
    process.exitCode = 1;
  } else {
    const r = await issueInitialPassword(db, user.id, config, { actor: { userId: user.id, username: "operator-cli" } });
    console.log(`${username}: ${r.password}${r.expiresAt ? ` (một lần, hết hạn ${r.expiresAt.toISOString()})` : " (mật khẩu mặc định)"}`);
  }
} finally {
  await db.destroy();
  await pg.stop();
}
