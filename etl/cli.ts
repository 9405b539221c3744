/**
 * npm run etl            incremental run
 * npm run etl -- --full  full rebuild
 *   --wait <seconds>     wait for a run in progress instead of exiting
 *
 * DuckDB lets one process write the warehouse file. When the platform server
 * is running (it holds the file), the CLI asks it over the loopback admin
 * listener (etl-control.json in DATA_DIR); otherwise it opens Postgres and the
 * file itself. Progress on a terminal, a one-line summary, exit 0 on success,
 * 1 on failure, 3 when another run is in progress.
 */
import { loadConfig } from "../app/platform/config.server.ts";
import { openPostgres } from "../app/db/postgres.server.ts";
import { createDb, migrate } from "../app/db/knex.server.ts";
import { openWarehouse, WarehouseLockedError } from "../warehouse/service.ts";
import { createEtlRunner, type EtlProgress, type EtlSummary } from "./runner.ts";
import { EtlBusyError } from "./errors.ts";
import { processAlive, readControlFile } from "./control-file.ts";
import { ETL_CONTROL_PATH } from "./control-route.ts";
import { createProgressBar, summaryLine } from "./progress-bar.ts";

class BusyExit extends Error {}

function parseArgs(argv: string[]) {
  const full = argv.includes("--full");
  const wi = argv.indexOf("--wait");
  const waitMs = wi >= 0 ? Math.max(0, Number(argv[wi + 1] ?? 600)) * 1000 : 0;
  const unknown = argv.filter((a, i) => a.startsWith("-") && !["--full", "--wait"].includes(a) && !(i > 0 && argv[i - 1] === "--wait"));
  if (unknown.length) throw new Error(`Tham số không hợp lệ / unknown option: ${unknown.join(" ")}\nusage: npm run etl [-- --full] [--wait <seconds>]`);
  return { mode: full ? ("full" as const) : ("incremental" as const), waitMs };
}

async function viaServer(url: string, secret: string, mode: string, waitMs: number, onProgress: (p: EtlProgress) => void): Promise<EtlSummary> {
  const res = await fetch(`${url}${ETL_CONTROL_PATH}?mode=${mode}&wait=${waitMs}`, { method: "POST", headers: { "x-etl-secret": secret } });
  if (!res.ok || !res.body) throw new Error(`Máy chủ từ chối yêu cầu ETL (HTTP ${res.status}) / server refused the ETL request`);
  let buf = "";
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (!line.trim()) continue;
      const msg = JSON.parse(line) as { progress?: EtlProgress; summary?: EtlSummary; error?: string; busy?: boolean };
      if (msg.progress) onProgress(msg.progress);
      if (msg.summary) return msg.summary;
      if (msg.error) throw msg.busy ? new BusyExit(msg.error) : new Error(msg.error);
    }
  }
  throw new Error("Máy chủ ngắt kết nối giữa chừng / the server closed the connection mid-run");
}

async function standalone(mode: "full" | "incremental", waitMs: number, onProgress: (p: EtlProgress) => void): Promise<EtlSummary> {
  const config = loadConfig();
  const pgh = await openPostgres({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir, port: config.EMBEDDED_PG_PORT });
  const db = createDb(pgh.url, { max: 4 });
  try {
    await migrate(db);
    const warehouse = await openWarehouse({ path: config.warehousePath });
    try {
      return await createEtlRunner({ db, warehouse }).run({ mode, trigger: "cli", waitMs, onProgress });
    } finally {
      await warehouse.close();
    }
  } finally {
    await db.destroy();
    await pgh.stop();
  }
}

async function main() {
  const bar = createProgressBar();
  try {
    const { mode, waitMs } = parseArgs(process.argv.slice(2));
    const config = loadConfig();
    const ctl = readControlFile(config.dataDir);
    let summary: EtlSummary;
    if (ctl && processAlive(ctl.pid)) {
      process.stderr.write(`Máy chủ đang chạy (pid ${ctl.pid}): ETL chạy trong máy chủ / running inside the server\n`);
      summary = await viaServer(ctl.url, ctl.secret, mode, waitMs, bar.update);
    } else {
      summary = await standalone(mode, waitMs, bar.update);
    }
    bar.end();
    process.stdout.write(summaryLine(summary) + "\n");
    process.exit(0);
  } catch (e) {
    bar.end();
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`${msg}\n`);
    if (e instanceof WarehouseLockedError)
      process.stderr.write("Gợi ý: máy chủ giữ tệp kho nhưng không tìm thấy etl-control.json — khởi động lại máy chủ hoặc dừng tiến trình đang giữ tệp.\n");
    process.exit(e instanceof EtlBusyError || e instanceof BusyExit ? 3 : 1);
  }
}

void main();
