import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../setup/db.ts";
import { freePort } from "../../app/db/postgres.server.ts";
import { verifyAuditChain } from "../../app/audit/verify.ts";
import type { TestClient } from "../setup/http.ts";
import { FORM, openDrafts, pool, prepareClerks, signedIn, validEntry } from "./helpers.ts";

/**
 * The server process is killed (SIGKILL) while submissions are in flight,
 * several times at random moments: after a restart every submission is
 * either fully recorded (status, values, transition, audit line, version)
 * or not at all, and the unlucky clerks can submit again.
 */
const ROUNDS = 3;
const CLERKS = 40;
let t: TestDb;
let dataDir: string;
let port: number;
let adminPort: number;
let server: ChildProcess | null = null;

async function startServer(): Promise<void> {
  server = spawn(process.execPath, ["--import", "tsx", path.resolve("app/platform/server.ts")], {
    env: {
      ...process.env, NODE_ENV: "test", DATABASE_URL: t.url, PORT: String(port), ADMIN_PORT: String(adminPort), HOST: "127.0.0.1",
      DATA_DIR: dataDir, SEED_DEMO_DATA: "false", SCHEDULER: "false", LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  server.stderr!.on("data", (d) => (err = (err + String(d)).slice(-4000)));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`server exited: ${err}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not come up: ${err}`);
}

async function killServer(): Promise<void> {
  if (!server) return;
  const s = server;
  server = null;
  const exited = new Promise((r) => s.once("exit", r));
  s.kill("SIGKILL");
  await exited;
}

beforeAll(async () => {
  t = await createTestDb();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "csdl-kill-"));
  port = await freePort();
  adminPort = await freePort();
}, 120_000);

afterAll(async () => {
  await killServer();
  await t?.drop();
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe("server killed mid-submission", () => {
  it(`${ROUNDS} kills with ${CLERKS} submissions in flight: each submission is all or nothing`, async () => {
    const accounts = (await prepareClerks(t.db)).slice(0, CLERKS);
    const hh = (await t.db("indicators").where({ code: "HH" }).first("id")).id;
    const pop = (await t.db("indicators").where({ code: "POP" }).first("id")).id;
    let outcomes = { recorded: 0, absent: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const { periodIds, drafts } = await openDrafts(t.db, 1, 2080 + round);
      await startServer();
      const clerks: { username: string; id: number; client: TestClient; k: number }[] = [];
      await pool(accounts, 8, async (a, i) => {
        clerks.push({ username: a.username, id: drafts.get(`${a.username}/${periodIds[0]}`)!, client: await signedIn(`http://127.0.0.1:${port}`, a.username), k: round * 1000 + i });
      });
      // all submit at once; the server dies after a random delay
      const inflight = clerks.map((c) =>
        c.client
          .post(`/submissions/${c.id}/edit`, { intent: "submit", version: "1", ...Object.fromEntries(Object.entries(validEntry(c.k)).map(([k, v]) => [`c:${k}`, v])) })
          .then((r) => r.status, () => 0),
      );
      // kill once the first submissions have committed (so others are mid-flight), at a random offset
      const ids = clerks.map((c) => c.id);
      const target = 1 + Math.floor(Math.random() * (CLERKS / 2));
      const until = Date.now() + 5000;
      while (Date.now() < until) {
        const n = Number((await t.db("submissions").whereIn("id", ids).where({ status: "submitted" }).count({ n: "*" }))[0].n);
        if (n >= target) break;
        await new Promise((r) => setTimeout(r, 2));
      }
      await killServer();
      const statuses = await Promise.all(inflight);

      for (const [i, c] of clerks.entries()) {
        const sub = await t.db("submissions").where({ id: c.id }).first("status", "version", "submitted_at");
        const values = await t.db("submission_values").where({ submission_id: c.id }).select("indicator_id", "ethnicity_code", "sex", "value");
        const transitions = await t.db("submission_transitions").where({ submission_id: c.id, to_status: "submitted" }).count({ n: "*" });
        const audit = await t.db("audit_log").where({ action: "forms.submit", target_id: String(c.id) }).count({ n: "*" });
        if (sub.status === "submitted") {
          outcomes.recorded++;
          expect(sub.version).toBe(2);
          expect(sub.submitted_at).not.toBeNull();
          expect(values.find((v) => v.indicator_id === pop && v.ethnicity_code === "02" && v.sex === "M")?.value).toBe(500 + c.k);
          expect(values.find((v) => v.indicator_id === hh && v.ethnicity_code === "00" && v.sex === "T")?.value).toBe(500 + c.k);
          expect(Number(transitions[0].n)).toBe(1);
          expect(Number(audit[0].n)).toBe(1);
        } else {
          outcomes.absent++;
          // nothing of it: no values, no transition, no audit line, version untouched
          expect(sub).toMatchObject({ status: "draft", version: 1, submitted_at: null });
          expect(values).toEqual([]);
          expect(Number(transitions[0].n)).toBe(0);
          expect(Number(audit[0].n)).toBe(0);
          // the client was not told it succeeded
          expect(statuses[i]).not.toBe(302);
        }
      }
      // after a restart the unlucky ones submit again
      await startServer();
      for (const c of clerks) {
        const sub = await t.db("submissions").where({ id: c.id }).first("status");
        if (sub.status === "submitted") continue;
        const r = await c.client.post(`/submissions/${c.id}/edit`, { intent: "submit", version: "1", ...Object.fromEntries(Object.entries(validEntry(c.k)).map(([k, v]) => [`c:${k}`, v])) });
        expect(r.status).toBe(302);
      }
      expect(await t.db("submissions").whereIn("id", clerks.map((c) => c.id)).whereNot({ status: "submitted" }).count({ n: "*" })).toEqual([{ n: 0 }]);
      await killServer();
    }
    console.info(`[server-kill] ${ROUNDS} kills: ${outcomes.recorded} submissions fully recorded, ${outcomes.absent} not at all, 0 partial`);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
    void FORM;
  }, 600_000);
});
