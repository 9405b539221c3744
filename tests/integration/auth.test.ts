import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../setup/db.ts";
import { signIn, changePassword, passwordChangeRequired } from "../../app/auth/login.server.ts";
import { validateSessionToken, invalidateSession, deleteExpiredSessions } from "../../app/auth/session.server.ts";
import { loadConfig } from "../../app/platform/config.server.ts";
import { STRONG_PASSWORD, TEST_DEFAULT_PASSWORD } from "../setup/constants.ts";
import { closeAccount, deleteAccount, reopenAccount, resetPassword, AccountError } from "../../app/accounts/accounts.server.ts";

let t: TestDb;
const config = loadConfig({ NODE_ENV: "test", LOCKOUT_THRESHOLD: "5", LOCKOUT_MINUTES: "15", SESSION_IDLE_MINUTES: "30", SESSION_ABSOLUTE_HOURS: "12", PASSWORD_MAX_AGE_DAYS: "180" });
const policy = { idleMinutes: 30, absoluteHours: 12 };
const min = 60_000;

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.drop());

async function userId(username: string): Promise<number> {
  return (await t.db("users").where({ username }).first("id")).id;
}

describe("sign-in and lockout", () => {
  it("signs in with the default password and requires a change", async () => {
    const r = await signIn(t.db, config, { username: "huyenhalang", password: TEST_DEFAULT_PASSWORD });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.mustChangePassword).toBe(true);
  });

  it("gives the same answer for an unknown user, a wrong password and a locked account", async () => {
    const unknown = await signIn(t.db, config, { username: "khongtontai", password: "x" });
    const wrong = await signIn(t.db, config, { username: "huyenthachan", password: "wrong" });
    expect(unknown).toEqual({ ok: false, reason: "invalid" });
    expect(wrong).toEqual(unknown);
  });

  it("locks after 5 consecutive failures for 15 minutes, then unlocks", async () => {
    const now = new Date("2026-03-01T08:00:00Z");
    for (let i = 0; i < 5; i++) await signIn(t.db, config, { username: "huyentrungkhanh", password: "wrong" }, now);
    const u = await t.db("users").where({ username: "huyentrungkhanh" }).first();
    expect(new Date(u.locked_until).getTime()).toBe(now.getTime() + 15 * min);
    // the right password is refused while locked, with the same message
    const during = await signIn(t.db, config, { username: "huyentrungkhanh", password: TEST_DEFAULT_PASSWORD }, new Date(now.getTime() + 14 * min));
    expect(during).toEqual({ ok: false, reason: "invalid" });
    const after = await signIn(t.db, config, { username: "huyentrungkhanh", password: TEST_DEFAULT_PASSWORD }, new Date(now.getTime() + 16 * min));
    expect(after.ok).toBe(true);
    const actions = (await t.db("audit_log").where({ actor_username: "huyentrungkhanh" }).orderBy("id").pluck("action"));
    expect(actions.filter((a) => a === "auth.login_failed").length).toBeGreaterThanOrEqual(6);
    expect(actions).toContain("auth.locked");
    expect(actions.at(-1)).toBe("auth.login");
  });

  it("a success resets the failure count", async () => {
    for (let i = 0; i < 4; i++) await signIn(t.db, config, { username: "huyenhaquang", password: "wrong" });
    await signIn(t.db, config, { username: "huyenhaquang", password: TEST_DEFAULT_PASSWORD });
    await signIn(t.db, config, { username: "huyenhaquang", password: "wrong" });
    const u = await t.db("users").where({ username: "huyenhaquang" }).first();
    expect(u.failed_attempts).toBe(1);
    expect(u.locked_until).toBeNull();
  });
});

describe("sessions", () => {
  it("expires after 30 idle minutes", async () => {
    const now = new Date("2026-03-02T08:00:00Z");
    const r = await signIn(t.db, config, { username: "huyenquanghoa", password: TEST_DEFAULT_PASSWORD }, now);
    if (!r.ok) throw new Error("sign-in failed");
    expect((await validateSessionToken(t.db, r.token, policy, new Date(now.getTime() + 29 * min))).ok).toBe(true);
    // activity at +29 min keeps it alive until +58
    expect((await validateSessionToken(t.db, r.token, policy, new Date(now.getTime() + 58 * min))).ok).toBe(true);
    const idle = await validateSessionToken(t.db, r.token, policy, new Date(now.getTime() + 89 * min));
    expect(idle).toEqual({ ok: false, reason: "idle" });
    expect((await validateSessionToken(t.db, r.token, policy, new Date(now.getTime() + 90 * min))).ok).toBe(false);
  });

  it("expires after 12 hours however active", async () => {
    const now = new Date("2026-03-03T08:00:00Z");
    const r = await signIn(t.db, config, { username: "huyennguyenbinh", password: TEST_DEFAULT_PASSWORD }, now);
    if (!r.ok) throw new Error("sign-in failed");
    for (let m = 20; m < 12 * 60; m += 20) expect((await validateSessionToken(t.db, r.token, policy, new Date(now.getTime() + m * min))).ok).toBe(true);
    expect(await validateSessionToken(t.db, r.token, policy, new Date(now.getTime() + 12 * 60 * min))).toEqual({ ok: false, reason: "expired" });
  });

  it("prunes sessions past their idle timeout or lifetime, and keeps live ones", async () => {
    const now = new Date("2026-03-04T08:00:00Z");
    const idle = await signIn(t.db, config, { username: "huyenhoaan.xanamtuan", password: TEST_DEFAULT_PASSWORD }, now);
    const live = await signIn(t.db, config, { username: "huyenhoaan.xanamtuan", password: TEST_DEFAULT_PASSWORD }, new Date(now.getTime() + 20 * min));
    if (!idle.ok || !live.ok) throw new Error("sign-in failed");
    const idOf = (token: string) => token.split(".")[0];
    const later = new Date(now.getTime() + 35 * min);
    expect(await deleteExpiredSessions(t.db, policy, later)).toBeGreaterThanOrEqual(1);
    expect(await t.db("sessions").where({ id: idOf(idle.token) }).first()).toBeUndefined();
    expect(await t.db("sessions").where({ id: idOf(live.token) }).first()).toBeDefined();
  });

  it("stores only a hash of the secret and refuses a forged secret", async () => {
    const r = await signIn(t.db, config, { username: "thanhphocaobang", password: TEST_DEFAULT_PASSWORD });
    if (!r.ok) throw new Error("sign-in failed");
    const [id, secret] = r.token.split(".");
    const row = await t.db("sessions").where({ id }).first();
    expect(Buffer.from(row.secret_hash).toString("utf8")).not.toContain(secret);
    expect(row.secret_hash.length).toBe(32);
    expect((await validateSessionToken(t.db, `${id}.${"a".repeat(secret.length)}`, policy)).ok).toBe(false);
    await invalidateSession(t.db, id);
    expect((await validateSessionToken(t.db, r.token, policy)).ok).toBe(false);
  });
});

describe("password changes", () => {
  it("applies every rule, refuses the current password, and clears the forced change", async () => {
    const id = await userId("huyenbaolam");
    const bad = await changePassword(t.db, config, { userId: id, currentPassword: TEST_DEFAULT_PASSWORD, newPassword: TEST_DEFAULT_PASSWORD, confirmPassword: TEST_DEFAULT_PASSWORD });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems).toEqual(expect.arrayContaining(["is_default"]));
    const wrong = await changePassword(t.db, config, { userId: id, currentPassword: "nope", newPassword: STRONG_PASSWORD, confirmPassword: STRONG_PASSWORD });
    expect(wrong).toEqual({ ok: false, problems: ["wrong_current"] });
    const mismatch = await changePassword(t.db, config, { userId: id, currentPassword: TEST_DEFAULT_PASSWORD, newPassword: STRONG_PASSWORD, confirmPassword: STRONG_PASSWORD + "x" });
    expect(mismatch.ok).toBe(false);
    const ok = await changePassword(t.db, config, { userId: id, currentPassword: TEST_DEFAULT_PASSWORD, newPassword: STRONG_PASSWORD, confirmPassword: STRONG_PASSWORD });
    expect(ok).toEqual({ ok: true });
    const again = await changePassword(t.db, config, { userId: id, currentPassword: STRONG_PASSWORD, newPassword: STRONG_PASSWORD, confirmPassword: STRONG_PASSWORD });
    expect(again).toEqual({ ok: false, problems: ["reused"] });
    const u = await t.db("users").where({ id }).first();
    expect(passwordChangeRequired(u, config)).toBe(false);
  });

  it("forces a change once the password is older than the configured age (180 days; 90 for An Giang)", () => {
    const changed = new Date("2026-01-01T00:00:00Z");
    const u = { must_change_password: false, password_changed_at: changed };
    expect(passwordChangeRequired(u, { PASSWORD_MAX_AGE_DAYS: 180 }, new Date("2026-06-29T00:00:00Z"))).toBe(false);
    expect(passwordChangeRequired(u, { PASSWORD_MAX_AGE_DAYS: 180 }, new Date("2026-07-01T00:00:00Z"))).toBe(true);
    expect(passwordChangeRequired(u, { PASSWORD_MAX_AGE_DAYS: 90 }, new Date("2026-04-02T00:00:00Z"))).toBe(true);
  });

  it("an admin reset forces a change at next sign-in and ends existing sessions", async () => {
    const id = await userId("huyenbaolam");
    const s = await signIn(t.db, config, { username: "huyenbaolam", password: STRONG_PASSWORD });
    if (!s.ok) throw new Error("sign-in failed");
    expect(s.mustChangePassword).toBe(false);
    const admin = await userId("bandantoctinh");
    await resetPassword(t.db, config, { userId: admin, username: "bandantoctinh", unitId: 1 }, id);
    expect((await validateSessionToken(t.db, s.token, policy)).ok).toBe(false);
    const r = await signIn(t.db, config, { username: "huyenbaolam", password: TEST_DEFAULT_PASSWORD });
    expect(r.ok && r.mustChangePassword).toBe(true);
  });
});

describe("closing and deleting accounts", () => {
  const actor = async () => ({ userId: await userId("bandantoctinh"), username: "bandantoctinh", unitId: 1 });

  it("closing blocks sign-in and ends sessions; reopening restores it", async () => {
    const id = await userId("sotuphap");
    const s = await signIn(t.db, config, { username: "sotuphap", password: TEST_DEFAULT_PASSWORD });
    if (!s.ok) throw new Error("sign-in failed");
    await closeAccount(t.db, await actor(), id, "Đơn vị sáp nhập");
    expect((await validateSessionToken(t.db, s.token, policy)).ok).toBe(false);
    expect(await signIn(t.db, config, { username: "sotuphap", password: TEST_DEFAULT_PASSWORD })).toEqual({ ok: false, reason: "invalid" });
    await expect(closeAccount(t.db, await actor(), id, "  ")).rejects.toThrow(AccountError);
    await reopenAccount(t.db, await actor(), id, "Khôi phục");
    expect((await signIn(t.db, config, { username: "sotuphap", password: TEST_DEFAULT_PASSWORD })).ok).toBe(true);
  });

  it("refuses to delete an account that produced data, and deletes one that did not", async () => {
    const producer = await userId("huyenhoaan.xanamtuan");
    const unit = (await t.db("users").where({ id: producer }).first("unit_id")).unit_id;
    const [tpl] = await t.db("form_templates").where({ code: "BM01-DANSO" }).select("id");
    const [period] = await t.db("periods").insert({ code: "T-2026", type: "year", year: 2026, start_date: "2026-01-01", end_date: "2026-12-31", reference_date: "2026-12-31", deadline: "2027-01-15", status: "open", label_vi: "Năm 2026", label_en: "2026" }).returning("id");
    await t.db("submissions").insert({ period_id: period.id, form_code: "BM01-DANSO", template_id: tpl.id, unit_id: unit, created_by: producer });
    const err = await deleteAccount(t.db, await actor(), producer).catch((e) => e);
    expect(err).toBeInstanceOf(AccountError);
    expect(err.code).toBe("admin.deleteRefused");
    expect(await t.db("users").where({ id: producer }).first()).toBeDefined();
    const clean = await userId("soxaydung");
    await deleteAccount(t.db, await actor(), clean);
    expect(await t.db("users").where({ id: clean }).first()).toBeUndefined();
  });
});

describe("production mode: no shared default password", () => {
  const prod = loadConfig({ NODE_ENV: "production", DATABASE_URL: "postgres://x@127.0.0.1/x", APP_SECRET: "x".repeat(40) });

  it("refuses to start without its secrets, or with DEFAULT_PASSWORD set", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/DATABASE_URL[\s\S]*APP_SECRET/);
    expect(() => loadConfig({ NODE_ENV: "production", DATABASE_URL: "postgres://x@h/x", APP_SECRET: "x".repeat(40), DEFAULT_PASSWORD: "@Bcd1234" })).toThrow(/DEFAULT_PASSWORD/);
  });

  it("seeds accounts nobody can sign in to until the admin issues a one-time password", async () => {
    const p = await createTestDb();
    try {
      const { seedReference } = await import("../../app/db/seed/reference.ts");
      await p.db("users").where({ username: "huyenhalang" }).delete();
      await seedReference(p.db, { defaultPassword: prod.DEFAULT_PASSWORD, production: true });
      expect(await signIn(p.db, prod, { username: "huyenhalang", password: TEST_DEFAULT_PASSWORD })).toEqual({ ok: false, reason: "invalid" });
      const id = (await p.db("users").where({ username: "huyenhalang" }).first("id")).id;
      const admin = (await p.db("users").where({ username: "bandantoctinh" }).first("id")).id;
      const r = await resetPassword(p.db, prod, { userId: admin, username: "bandantoctinh", unitId: 1 }, id);
      expect(r.shownPassword).toMatch(/^.{16}$/);
      expect(r.shownPassword).not.toBe(TEST_DEFAULT_PASSWORD);
      expect(r.expiresAt!.getTime() - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
      const ok = await signIn(p.db, prod, { username: "huyenhalang", password: r.shownPassword! });
      expect(ok.ok && ok.mustChangePassword).toBe(true);
      // after 7 days the one-time password no longer works
      const late = await signIn(p.db, prod, { username: "huyenhalang", password: r.shownPassword! }, new Date(Date.now() + 8 * 86_400_000));
      expect(late.ok).toBe(false);
    } finally {
      await p.drop();
    }
  });
});
