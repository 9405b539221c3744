import { loadConfig, ConfigError } from "../platform/config.server.ts";
import { createDb } from "../db/knex.server.ts";
import { openOperationalPostgres } from "./connect.server.ts";
import { runBackup, runRestoreTest } from "./jobs.server.ts";
import { restoreBackup } from "./restore.server.ts";
import { resolveBackup } from "./store.server.ts";
import { verifyAuditChain } from "../audit/verify.ts";
import { ensureDatabase } from "../db/postgres.server.ts";
import { loadWarehouseCheck } from "./warehouse-check.server.ts";

/**
 * npm run backup | restore -- <backup> [--target <url> | --create <dbname>] | restore-test [-- <backup>] | audit:verify
 * Messages go to stderr, the result as JSON to stdout; a failure exits 1.
 */
const [command, ...args] = process.argv.slice(2);
const err = (l: string) => process.stderr.write(`${l}\n`);

function flag(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<number> {
  const config = loadConfig();
  if (command === "restore") {
    const name = args.find((a, i) => !a.startsWith("--") && !["--target", "--create"].includes(args[i - 1] ?? ""));
    if (!name) {
      err("Cách dùng: npm run restore -- <tên hoặc đường dẫn bản sao lưu> [--target postgres://…/db | --create <tên CSDL mới>]");
      return 2;
    }
    const backupPath = await resolveBackup(config.BACKUP_DIR, name);
    let target = flag("--target");
    let pgh: Awaited<ReturnType<typeof openOperationalPostgres>> | null = null;
    if (!target) {
      pgh = await openOperationalPostgres(config);
      target = pgh.url;
      const create = flag("--create");
      if (create) {
        if (!/^[a-z_][a-z0-9_]{0,62}$/.test(create)) throw new Error(`Tên CSDL không hợp lệ: ${create}`);
        const u = new URL(target);
        u.pathname = "/postgres";
        await ensureDatabase(u.toString(), create);
        u.pathname = `/${create}`;
        target = u.toString();
      }
    }
    try {
      err(`Khôi phục ${backupPath} …`);
      const r = await restoreBackup(backupPath, target, { log: err });
      const rows = r.tables.reduce((s, t) => s + t.rows, 0);
      err(`Xong: ${r.tables.length} bảng, ${rows} dòng (bỏ qua trigger: ${r.triggerBypass}; migration sau khôi phục: ${r.migratedAfter.length}).`);
      const db = createDb(target, { max: 2 });
      const chain = await verifyAuditChain(db).finally(() => db.destroy());
      err(chain.ok ? `Chuỗi nhật ký: hợp lệ (${chain.checked} dòng).` : `Chuỗi nhật ký HỎNG tại id ${chain.firstBroken?.id}`);
      process.stdout.write(JSON.stringify({ backup: r.manifest.name, tables: r.tables, audit: chain }, null, 2) + "\n");
      return chain.ok ? 0 : 1;
    } finally {
      await pgh?.stop();
    }
  }

  const pgh = await openOperationalPostgres(config);
  const db = createDb(pgh.url, { max: 4 });
  try {
    if (command === "backup") {
      const r = await runBackup({ config, db }, { triggeredBy: process.env.CSDL_TRIGGERED_BY || "cli", log: err });
      if (!r.ok) err(`Sao lưu THẤT BẠI: ${r.error}`);
      else err(`Đã sao lưu: ${r.result!.path} (${r.result!.rows} dòng, ${r.result!.bytes} byte nén)${r.result!.pruned.length ? `; đã xoá bản cũ: ${r.result!.pruned.join(", ")}` : ""}`);
      process.stdout.write(JSON.stringify(r, null, 2) + "\n");
      return r.ok ? 0 : 1;
    }
    if (command === "restore-test") {
      const warehouseCheck = await loadWarehouseCheck(config, err);
      const r = await runRestoreTest({ config, db, warehouseCheck }, { triggeredBy: process.env.CSDL_TRIGGERED_BY || "cli", backup: args[0], log: err });
      if (r.result) {
        for (const t of r.result.tables) err(`  ${t.ok ? "✓" : "✗"} ${t.name}: ${t.rows}/${t.expectedRows}`);
        err(`  ${r.result.audit.ok ? "✓" : "✗"} chuỗi nhật ký: ${r.result.audit.checked} dòng`);
        err(r.result.warehouse ? `  ${r.result.warehouse.ok ? "✓" : "✗"} kho dữ liệu dựng lại: ${JSON.stringify(r.result.warehouse.summary)}${r.result.warehouse.error ? ` — ${r.result.warehouse.error}` : ""}` : "  – kho dữ liệu: chưa kiểm tra (không nạp được etl/)");
      }
      err(r.ok ? "Kiểm tra khôi phục: ĐẠT" : `Kiểm tra khôi phục: KHÔNG ĐẠT — ${r.error}`);
      process.stdout.write(JSON.stringify(r, null, 2) + "\n");
      return r.ok ? 0 : 1;
    }
    if (command === "audit:verify") {
      const r = await verifyAuditChain(db);
      if (r.ok) err(`Chuỗi nhật ký hợp lệ: ${r.checked} dòng, ${r.anchorsChecked} mốc, đầu chuỗi id ${r.head?.id ?? "—"}.`);
      else err(`CHUỖI NHẬT KÝ HỎNG: dòng id ${r.firstBroken!.id} (${r.firstBroken!.problem}).`);
      process.stdout.write(JSON.stringify(r, null, 2) + "\n");
      return r.ok ? 0 : 1;
    }
    err(`Lệnh không rõ: ${command}`);
    return 2;
  } finally {
    await db.destroy();
    await pgh.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    err(e instanceof ConfigError ? e.message : `Lỗi: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
