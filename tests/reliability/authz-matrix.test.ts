import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../setup/server.ts";
import { TestClient } from "../setup/http.ts";
import { rolesForTier, type Role, type Tier } from "../../app/auth/roles.ts";
import { hashPassword } from "../../app/auth/password.server.ts";
import { configureRateLimits, DEFAULT_RATE_LIMITS } from "../../app/security/rate-limit.server.ts";
import { actorFor, openPeriod } from "../integration/workflow-helpers.ts";
import { openSubmission, saveEntry } from "../../app/workflow/submissions.server.ts";
import { enrolTotp, passMfa } from "../integration/security-helpers.ts";
import { CLERK_PASSWORD, FORM, validEntry } from "./helpers.ts";

/**
 * Authorization matrix: every page route × every role of every tier (one
 * account per single role, plus each tier's full seeded role set) × both
 * listeners, plus anonymous. The expected column is the documented policy
 * (issue 2 roles, the navigation's role lists, issue 6: /admin only on the
 * admin port, for province admins with a verified second factor), not the
 * code's guards. Submission pages follow the data scope of a commune's
 * submitted form. A page added later is checked generically (anonymous →
 * sign-in, listener separation, no 5xx) and named in the output until it is
 * classified here; route files with parameters other than the known ones
 * are named in the output (they need sample values here).
 */
type Who = { label: string; tier: Tier | "anon"; roles: Role[]; username?: string; ownsSubmission?: boolean; inApproverUnit?: boolean; noMfa?: boolean };
type Expect = "allow" | "deny" | "login" | "notfound" | "mfa";

let s: TestServer;
const people: Who[] = [];
const clients = new Map<string, { pub: TestClient; adm: TestClient }>();
let submissionId = 0;

const has = (w: Who, ...r: Role[]) => r.some((x) => w.roles.includes(x));

/** Route (GET path) → expected outcome per person, on the public listener. */
function publicPolicy(route: string, w: Who): Expect {
  if (route.startsWith("/admin")) return "notfound"; // issue 6: the public port has no /admin at all
  if (route.startsWith("/api/")) return "api" as Expect; // token-authorised: only "no 5xx, nothing for anonymous" here
  if (w.tier === "anon") return route === "/login" ? "allow" : "login";
  if (route === "/" || route.startsWith("/account/")) return "allow";
  if (route === "/forms") return has(w, "submitter") ? "allow" : "deny";
  if (route === "/approvals") return has(w, "approver", "admin") ? "allow" : "deny";
  if (route === "/completeness") return has(w, "approver", "admin", "viewer") ? "allow" : "deny";
  if (route.startsWith("/dashboards")) return has(w, "viewer", "analyst", "admin") ? "allow" : "deny";
  if (route === "/analysis") return has(w, "analyst") ? "allow" : "deny";
  if (route.startsWith("/submissions/")) {
    // data scope (issue 2): the unit itself, its district, the province — whatever the role
    const readable = w.ownsSubmission || w.inApproverUnit || w.tier === "province";
    // a submitted form is no longer editable: the edit page sends readers to the view page
    if (route.endsWith("/edit")) return readable && has(w, "submitter") ? ("redirect-ok" as Expect) : "deny";
    return readable ? "allow" : "deny";
  }
  // a page added after this matrix was written: checked generically (signed-in: any non-5xx answer), listed in the output
  unclassified.add(route);
  return "any" as Expect;
}

const unclassified = new Set<string>();

function adminPolicy(route: string, w: Who): Expect {
  if (route === "/") return "redirect-ok" as Expect; // the admin port's root sends to /admin
  if (!route.startsWith("/admin")) return route.startsWith("/account/") ? (w.tier === "anon" ? "login" : "allow") : "notfound";
  if (w.tier === "anon") return "login";
  if (w.tier === "province" && w.roles.includes("admin")) return w.noMfa ? "mfa" : "allow";
  return "deny";
}

/** Page routes from app/routes, with sample parameters. Resource routes (downloads) are covered via their page. */
function routes(): string[] {
  const files = fs.readdirSync(path.resolve("app/routes"));
  const out = new Set<string>();
  const unknown: string[] = [];
  for (const f of files) {
    const base = f.replace(/\.(tsx|ts)$/, "");
    if (["login", "login_.mfa", "logout", "lang", "healthz"].includes(base)) continue;
    let p = "/" + base.replace(/\[\.\]/g, "\u0000").replace(/_index$/, "").replace(/\._?$/, "").split(".").map((seg) => seg.replace(/_$/, "")).join("/");
    p = p.replace(/\u0000/g, ".").replace(/\/$/, "") || "/";
    p = p.replace("/submissions/$id", `/submissions/${submissionId}`).replace("/dashboards/$id", "/dashboards/province");
    if (p.includes("$")) {
      // detail pages of admin lists need real ids; the list page stands for them
      if (p.startsWith("/admin/")) continue;
      if (/\/(maps)\//.test(p)) continue;
      unknown.push(f);
      continue;
    }
    if (/\/(csv|xlsx|pdf|export)$/.test(p)) continue; // downloads: same guard as the page, checked in their own tests
    out.add(p);
  }
  if (unknown.length) console.warn(`[authz] route files with parameters this matrix cannot fill — add sample values: ${unknown.join(", ")}`);
  return [...out].sort();
}

beforeAll(async () => {
  // every identity calls from 127.0.0.1: lift the per-IP limits (the limits have their own tests)
  configureRateLimits({ signInPerIp: { capacity: 100_000, refillPerMinute: 100_000 }, apiPerToken: { capacity: 100_000, refillPerMinute: 100_000 } });
  s = await startTestServer();
  const db = s.db;
  const hash = await hashPassword(CLERK_PASSWORD);
  // a submitted form of a commune; its district approves
  const district = await db("units").where({ tier: "district" }).orderBy("code").first("id", "path");
  const [commune, neighbour] = await db("units").where({ parent_id: district.id, tier: "commune" }).orderBy("code").limit(2).select("id");
  const otherDistrict = await db("units").where({ tier: "district" }).whereNot({ id: district.id }).orderBy("code").first("id");
  const farCommune = await db("units").where({ parent_id: otherDistrict.id, tier: "commune" }).first("id");
  const department = await db("units").where({ tier: "department" }).orderBy("code").first("id");
  const province = await db("units").where({ tier: "province" }).first("id");
  const userOf = async (unitId: number) => (await db("users").where({ unit_id: unitId }).first("username")).username as string;
  const admin = await actorFor(db, await userOf(province.id));
  const period = await openPeriod(db, admin.catalogueActor, { type: "year", year: 2050 }, [FORM]);
  const clerk = await actorFor(db, await userOf(commune.id));
  const sub = await openSubmission(db, clerk, period.id, FORM);
  const r = await saveEntry(db, clerk, sub.id, { version: 1, raw: validEntry(1), mode: "submit" });
  expect(r.ok).toBe(true);
  submissionId = sub.id;

  const units: Record<Tier, { id: number; owns?: boolean; approves?: boolean }[]> = {
    province: [{ id: province.id }],
    department: [{ id: department.id }],
    district: [{ id: district.id, approves: true }, { id: otherDistrict.id }],
    commune: [{ id: commune.id, owns: true }, { id: neighbour.id }, { id: farCommune.id }],
  };
  let n = 0;
  for (const tier of Object.keys(units) as Tier[]) {
    for (const u of units[tier]) {
      for (const roles of [rolesForTier(tier), ...rolesForTier(tier).map((r) => [r])]) {
        const username = `matrix_${tier}_${++n}`;
        await db("users").insert({ username, unit_id: u.id, roles, password_hash: hash, must_change_password: false, password_changed_at: new Date() });
        people.push({ label: `${tier}${u.owns ? "(owner)" : u.approves ? "(approver unit)" : ""}[${roles.join(",")}]`, tier, roles: roles as Role[], username, ownsSubmission: u.owns, inApproverUnit: u.approves });
      }
    }
  }
  await db("users").insert({ username: "matrix_admin_nomfa", unit_id: province.id, roles: ["admin"], password_hash: hash, must_change_password: false, password_changed_at: new Date() });
  people.push({ label: "province[admin] without a second factor", tier: "province", roles: ["admin"], username: "matrix_admin_nomfa", noMfa: true });
  people.push({ label: "anonymous", tier: "anon", roles: [] });
  for (const w of people) {
    const pub = new TestClient(s.baseUrl);
    const adm = new TestClient(s.adminUrl);
    if (w.username) {
      if (w.roles.includes("admin") && !w.noMfa) {
        const key = await enrolTotp(db, w.username);
        for (const [i, c] of [pub, adm].entries()) {
          expect((await c.login(w.username, CLERK_PASSWORD)).status).toBe(302);
          expect((await passMfa(c, key, i)).status).toBe(302);
        }
      } else {
        for (const c of [pub, adm]) expect((await c.login(w.username, CLERK_PASSWORD)).status).toBe(302);
      }
    }
    clients.set(w.label, { pub, adm });
  }
}, 300_000);

afterAll(async () => {
  configureRateLimits(DEFAULT_RATE_LIMITS);
  await s?.stop();
});

function outcome(status: number, location: string | null): Expect | "redirect-ok" {
  if (status === 200) return "allow";
  if (status === 404) return "notfound";
  if (status === 403) return "deny";
  if (status === 302 && location?.startsWith("/login")) return "login";
  if (status === 302 && location?.startsWith("/account/mfa")) return "mfa";
  if (status === 302) return "redirect-ok";
  return `status ${status}` as Expect;
}

describe("authorization matrix", () => {
  it("every route × role × tier × listener gets the documented answer", async () => {
    const list = routes();
    expect(list).toEqual(expect.arrayContaining(["/", "/forms", "/approvals", "/admin", "/admin/audit", "/admin/backups", `/submissions/${submissionId}`]));
    const mismatches: string[] = [];
    let cells = 0;
    for (const w of people) {
      const c = clients.get(w.label)!;
      for (const route of list) {
        for (const [listener, client, policy] of [["public", c.pub, publicPolicy], ["admin", c.adm, adminPolicy]] as const) {
          const want = policy(route, w);
          const res = await client.request(route);
          await res.arrayBuffer();
          let got = outcome(res.status, res.headers.get("location"));
          // a denial may be a 403 or a 404 (not revealing that the record exists)
          if (want === "deny" && got === "notfound" && route.startsWith("/submissions/")) got = "deny";
          // allowed past the guard, but the warehouse is not built in this server: "unavailable" is not a denial
          if (want === "allow" && res.status === 503 && (route.startsWith("/dashboards/") || route === "/analysis")) got = "allow";
          // the edit page of a form the user may not edit sends to the view page (itself guarded)
          if (want === "deny" && got === "redirect-ok" && route.endsWith("/edit") && res.headers.get("location") === route.replace(/\/edit$/, "")) got = "deny";
          if (want === ("any" as Expect) && res.status < 500) got = want;
          // the API takes bearer tokens (its own tests cover token scope): no 5xx, and nothing but the spec without one
          if (want === ("api" as Expect) && res.status < 500 && (res.status !== 200 || route.endsWith("openapi.json"))) got = want;
          cells++;
          if (got !== want) mismatches.push(`${listener} ${route} as ${w.label}: expected ${want}, got ${got} (${res.status} ${res.headers.get("location") ?? ""})`);
        }
      }
    }
    if (unclassified.size) console.warn(`[authz] routes checked only generically — classify them in authz-matrix.test.ts: ${[...unclassified].join(", ")}`);
    console.info(`[authz] ${people.length} identities × ${list.length} routes × 2 listeners = ${cells} checks, ${mismatches.length} mismatches`);
    expect(mismatches).toEqual([]);
  }, 300_000);
});
