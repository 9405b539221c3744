import type { Db } from "../../app/db/knex.server.ts";
import { hashPassword } from "../../app/auth/password.server.ts";
import { TestClient } from "../setup/http.ts";
import { actorFor, openPeriod } from "../integration/workflow-helpers.ts";
import { openSubmission } from "../../app/workflow/submissions.server.ts";

/** Shared set-up of the reliability suite: clerks with a known password and open drafts. */
export const CLERK_PASSWORD = "Ruong-Bac#2026y";
export const FORM = "BM01-DANSO";

/** Bounded knobs (CI keeps the whole run under 15 minutes); raise them for a soak run. */
export const knobs = {
  clerks: Number(process.env.RELIABILITY_CLERKS ?? 200),
  loadSeconds: Number(process.env.RELIABILITY_LOAD_SECONDS ?? 20),
  etlKills: Number(process.env.RELIABILITY_ETL_KILLS ?? 20),
  fuzzCases: Number(process.env.RELIABILITY_FUZZ_CASES ?? 400),
};

/** Give every commune account a known, current password (one argon2 hash for all: set-up speed). */
export async function prepareClerks(db: Db): Promise<{ id: number; username: string; unitId: number }[]> {
  const hash = await hashPassword(CLERK_PASSWORD);
  const rows = await db("users as u").join("units as un", "un.id", "u.unit_id").where("un.tier", "commune").orderBy("un.code").select("u.id", "u.username", "un.id as unitId");
  await db("users").whereIn("id", rows.map((r) => r.id)).update({ password_hash: hash, must_change_password: false, password_changed_at: new Date(), failed_attempts: 0, locked_until: null });
  return rows;
}

/** Open `count` periods for the commune form and a draft for each (commune, period): distinct submissions. */
export async function openDrafts(db: Db, periods: number, firstYear = 2040): Promise<{ periodIds: number[]; drafts: Map<string, number> }> {
  const province = await db("users as u").join("units as un", "un.id", "u.unit_id").where("un.tier", "province").first("u.username");
  const admin = await actorFor(db, province.username);
  const periodIds: number[] = [];
  for (let i = 0; i < periods; i++) periodIds.push((await openPeriod(db, admin.catalogueActor, { type: "year", year: firstYear + i }, [FORM])).id);
  const drafts = new Map<string, number>();
  const clerks = await db("users as u").join("units as un", "un.id", "u.unit_id").where("un.tier", "commune").select("u.username");
  for (const c of clerks) {
    const actor = await actorFor(db, c.username);
    for (const p of periodIds) drafts.set(`${c.username}/${p}`, (await openSubmission(db, actor, p, FORM)).id);
  }
  return { periodIds, drafts };
}

export async function signedIn(baseUrl: string, username: string): Promise<TestClient> {
  const c = new TestClient(baseUrl);
  const r = await c.login(username, CLERK_PASSWORD);
  if (r.status !== 302) throw new Error(`sign-in ${username}: ${r.status}`);
  await c.get("/forms");
  if (!c.csrf) throw new Error(`no CSRF token for ${username}`);
  return c;
}

/** A valid full BM01 entry, distinct per (clerk, n): the totals equal the sums of the groups. */
export function validEntry(k: number): Record<string, string> {
  const m2 = 500 + k;
  const f2 = 700 + k;
  return {
    "POP:00:M": String(m2 + 400), "POP:00:F": String(f2 + 450), "POP:02:M": String(m2), "POP:02:F": String(f2), "POP:07:M": "400", "POP:07:F": "450",
    "HH:00:T": String(300 + k + 200), "HH:02:T": String(300 + k), "HH:07:T": "200",
  };
}

export function percentile(xs: number[], p: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

export async function pool<T>(items: T[], size: number, fn: (x: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}
