import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../app/db/postgres.server.ts";
import { TestClient } from "../setup/http.ts";
import { STRONG_PASSWORD } from "../setup/constants.ts";

/**
 * The README's first command, exactly: `npm start` on the embedded Postgres
 * default (no DATABASE_URL), then sign-in over HTTP, a clean stop on SIGTERM,
 * and a second start that keeps the data.
 */
let dataDir = "";
afterAll(async () => {
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

async function npmStart(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; log: () => string }> {
  const port = await freePort();
  const adminPort = await freePort();
  const environment: NodeJS.ProcessEnv = { ...process.env, ...env, PORT: String(port), ADMIN_PORT: String(adminPort), NODE_ENV: "development" };
  delete environment.DATABASE_URL;
  delete environment.VITEST;
  const child = spawn("npm", ["start"], { env: environment, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const deadline = Date.now() + 240_000;
  while (!out.includes("CSDL Dân tộc is up")) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${out}`);
    if (Date.now() > deadline) throw new Error(`npm start did not come up:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { child, url: `http://127.0.0.1:${port}`, log: () => out };
}

/** Like Ctrl-C in a terminal: the signal goes to the whole process group; wait for the server's own clean stop. */
async function stop(p: { child: ChildProcess; log: () => string }): Promise<void> {
  process.kill(-p.child.pid!, "SIGTERM");
  const deadline = Date.now() + 60_000;
  while (!p.log().includes("Stopped cleanly") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

describe("npm start (embedded Postgres default)", () => {
  it("brings up the platform, signs in over HTTP, stops cleanly and keeps data across restarts", async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "csdl-start-"));
    const first = await npmStart({ DATA_DIR: dataDir });
    try {
      const health = await (await fetch(`${first.url}/healthz`)).json();
      expect(health.database.ok).toBe(true);
      const c = new TestClient(first.url);
      await c.loginAndSetPassword("huyenhoaan.xanamtuan", "@Bcd1234", STRONG_PASSWORD);
      expect(await c.page("/")).toContain("Xã Nam Tuấn");
    } finally {
      await stop(first);
      expect(first.log()).toContain("Stopped cleanly");
    }
    await fs.access(path.join(dataDir, "pg", "PG_VERSION"));

    const second = await npmStart({ DATA_DIR: dataDir });
    try {
      const c = new TestClient(second.url);
      const res = await c.login("huyenhoaan.xanamtuan", STRONG_PASSWORD);
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/"); // the changed password survived the restart
    } finally {
      await stop(second);
    }
  }, 600_000);
});
