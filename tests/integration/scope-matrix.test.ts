import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../setup/db.ts";
import { buildScope, canApproveAt, canReadUnit, canSubmitFor, isAdmin, type Scope } from "../../app/scope/scope.ts";
import { whereUnitVisible } from "../../app/scope/scope.server.ts";
import { visibleUnit } from "../../app/api/units.server.ts";

let t: TestDb;
const scopes: Record<string, Scope> = {};
const unitIds: Record<string, number> = {};

async function scopeFor(username: string): Promise<Scope> {
  const r = await t.db("users as u").join("units as un", "un.id", "u.unit_id").where("u.username", username)
    .first("u.id", "u.username", "u.roles", "un.id as unit_id", "un.path", "un.tier", "un.sector_domains");
  return buildScope({ userId: r.id, username: r.username, unitId: r.unit_id, unitPath: r.path, tier: r.tier, roles: r.roles, sectorDomains: r.sector_domains });
}

beforeAll(async () => {
  t = await createTestDb();
  for (const [k, u] of Object.entries({
    province: "bandantoctinh",
    hoaAn: "huyenhoaan",
    baoLac: "huyenbaolac",
    namTuan: "huyenhoaan.xanamtuan",
    labour: "solaodongthuongbinhvaxahoi",
    justice: "sotuphap",
  })) scopes[k] = await scopeFor(u);
  const ids = await t.db("users").whereIn("username", ["huyenhoaan.xanamtuan", "huyenhoaan.xahongviet", "huyenbaolac.xacoba", "huyenhoaan", "huyenbaolac"]).select("username", "unit_id");
  for (const r of ids) unitIds[r.username] = r.unit_id;
});
afterAll(async () => t?.drop());

async function visibleUnits(scope: Scope): Promise<Set<number>> {
  const q = t.db("units as x").select("x.id");
  whereUnitVisible(q, scope, "x.id");
  return new Set((await q).map((r) => r.id));
}

describe("scope matrix: which units each tier can see", () => {
  it("province committee sees all 189 units", async () => {
    expect((await visibleUnits(scopes.province)).size).toBe(189);
    expect(isAdmin(scopes.province)).toBe(true);
  });

  it("a district sees itself and its communes, not another district's", async () => {
    const v = await visibleUnits(scopes.hoaAn);
    const own = await t.db("units").where("path", "like", `${scopes.hoaAn.unitPath}%`).count({ n: "*" });
    expect(v.size).toBe(Number(own[0].n));
    expect(v.has(unitIds["huyenhoaan.xanamtuan"])).toBe(true);
    expect(v.has(unitIds["huyenbaolac.xacoba"])).toBe(false);
    expect(v.has(unitIds["huyenbaolac"])).toBe(false);
    expect(await visibleUnit(t.db, scopes.hoaAn, unitIds["huyenbaolac.xacoba"])).toBeNull();
    expect(await visibleUnit(t.db, scopes.hoaAn, unitIds["huyenhoaan.xanamtuan"])).not.toBeNull();
  });

  it("a commune sees only itself, not its neighbour nor its district", async () => {
    const v = await visibleUnits(scopes.namTuan);
    expect([...v]).toEqual([unitIds["huyenhoaan.xanamtuan"]]);
    expect(await visibleUnit(t.db, scopes.namTuan, unitIds["huyenhoaan.xahongviet"])).toBeNull();
    expect(await visibleUnit(t.db, scopes.namTuan, unitIds["huyenhoaan"])).toBeNull();
  });

  it("a sector department reads its sector's indicators province-wide, and nothing else of other units", async () => {
    const labour = scopes.labour;
    const communePath = (await t.db("units").where({ id: unitIds["huyenbaolac.xacoba"] }).first("path")).path;
    expect(canReadUnit(labour, communePath, "poverty")).toBe(true);
    expect(canReadUnit(labour, communePath, "population")).toBe(false);
    expect(canReadUnit(labour, communePath)).toBe(false);
    // every commune's poverty data, no commune's population data
    const communes = await t.db("units").where({ tier: "commune" }).pluck("path");
    expect(communes.filter((p) => canReadUnit(labour, p, "poverty"))).toHaveLength(161);
    expect(communes.filter((p) => canReadUnit(labour, p, "population"))).toHaveLength(0);
  });

  it("a department without a sector sees only itself", async () => {
    expect((await visibleUnits(scopes.justice)).size).toBe(1);
  });
});

describe("scope matrix: who can change what", () => {
  it("units submit only for themselves", () => {
    expect(canSubmitFor(scopes.namTuan, unitIds["huyenhoaan.xanamtuan"])).toBe(true);
    expect(canSubmitFor(scopes.namTuan, unitIds["huyenhoaan.xahongviet"])).toBe(false);
    expect(canSubmitFor(scopes.hoaAn, unitIds["huyenhoaan.xanamtuan"])).toBe(false); // the district does not fill its communes' forms
    expect(canSubmitFor(scopes.province, unitIds["huyenhoaan.xanamtuan"])).toBe(false);
  });

  it("only the managing unit approves: a district approves its own communes, not another district's", () => {
    expect(canApproveAt(scopes.hoaAn, unitIds["huyenhoaan"])).toBe(true);
    expect(canApproveAt(scopes.baoLac, unitIds["huyenhoaan"])).toBe(false);
    expect(canApproveAt(scopes.namTuan, unitIds["huyenhoaan"])).toBe(false); // a commune has no approver role
    expect(canApproveAt(scopes.labour, unitIds["huyenhoaan"])).toBe(false);
  });

  it("only the province committee is an administrator", () => {
    expect(isAdmin(scopes.hoaAn)).toBe(false);
    expect(isAdmin(scopes.labour)).toBe(false);
    expect(isAdmin(scopes.namTuan)).toBe(false);
  });
});
