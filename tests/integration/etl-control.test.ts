import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../setup/db.ts";
import { openWarehouse, type WarehouseService } from "../../warehouse/service.ts";
import { startEtlServices, type EtlServices } from "../../etl/platform.ts";
import { createScheduler, type Scheduler } from "../../etl/scheduler.ts";
import { controlFilePath, readControlFile } from "../../etl/control-file.ts";
import { ETL_CONTROL_PATH } from "../../etl/control-route.ts";

let t: TestDb;
let dir: string;
let wh: WarehouseService;
let etl: EtlServices;
let scheduler: Scheduler;
let server: ReturnType<express.Express["listen"]>;
let url: string;
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

beforeAll(async () => {
  t = await createTestDb();
  dir = mkdtempSync(path.join(os.tmpdir(), "etl-ctl-"));
  wh = await openWarehouse({ path: path.join(dir, "warehouse.duckdb") });
  scheduler = createScheduler();
  etl = await startEtlServices({ db: t.db, dbUrl: t.url, warehouse: wh, config: { ETL_CRON: "*/5 * * * *", ETL_AFTER_APPROVAL: false, SCHEDULER: false, dataDir: dir }, scheduler, log: quiet });
  const app = express();
  app.use(etl.controlHandler);
  server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  etl.publishControl(url);
});
afterAll(async () => {
  server?.close();
  await scheduler?.stop();
  await etl?.stop();
  await wh?.close();
  await t?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const runCli = (args: string[]) =>
  new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const p = spawn(process.execPath, ["--import", "tsx", path.resolve("etl/cli.ts"), ...args], {
      env: { ...process.env, DATA_DIR: dir, DATABASE_URL: t.url, WAREHOUSE_PATH: path.join(dir, "warehouse.duckdb") },
    });
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => (out += String(d)));
    p.stderr.on("data", (d) => (err += String(d)));
    p.on("exit", (code) => resolve({ code, out, err }));
  });

describe("ETL inside a running server", () => {
  it("built the empty warehouse at start and published a private control file", async () => {
    expect(await wh.isLoaded()).toBe(true);
    const info = readControlFile(dir)!;
    expect(info.url).toBe(url);
    expect(info.pid).toBe(process.pid);
  });

  it("npm run etl asks the server (which holds the file) and prints the summary", async () => {
    const r = await runCli(["--full"]);
    expect(r.err).toContain("Máy chủ đang chạy");
    expect(r.out).toMatch(/ETL toàn bộ \/ full #\d+: đọc 0 dòng, ghi 0 facts, rút 0, .* kiểm tra 7\/7 đạt/);
    expect(r.code).toBe(0);
    const inc = await runCli([]);
    expect(inc.out).toMatch(/tăng dần \/ incremental/);
  });

  it("refuses requests without the secret", async () => {
    const res = await fetch(`${url}${ETL_CONTROL_PATH}?mode=full`, { method: "POST", headers: { "x-etl-secret": "wrong" } });
    expect(res.status).toBe(404);
    const get = await fetch(`${url}${ETL_CONTROL_PATH}`, { headers: { "x-etl-secret": readControlFile(dir)!.secret } });
    expect(get.status).toBe(404);
  });

  it("removes the control file at stop", async () => {
    expect(existsSync(controlFilePath(dir))).toBe(true);
    await etl.stop();
    expect(existsSync(controlFilePath(dir))).toBe(false);
  });
});
