import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../setup/db.ts";
import { seedDashboardData, loadWarehouse, reviewed, poor, type DashFixture } from "./dashboards-fixture.ts";
import type { WarehouseService } from "../../warehouse/service.ts";
import { buildScope } from "../../app/scope/scope.ts";
import { getDashboard } from "../../dashboards/registry.ts";
import { runDashboard } from "../../dashboards/run.ts";
import { prepareDashboard } from "../../app/api/dashboard-page.server.ts";
import { measureDashboardPage } from "../../app/api/dashboard-bench.server.ts";

let t: TestDb;
let fx: DashFixture;
let wh: WarehouseService;
beforeAll(async () => {
  t = await createTestDb();
  fx = await seedDashboardData(t.db);
  wh = await loadWarehouse(t.db);
});
afterAll(async () => {
  await wh?.close();
  await t?.drop();
});

async function scopeOf(username: string) {
  const u = await t.db("users as u").join("units as un", "un.id", "u.unit_id").where("u.username", username).first("u.id", "u.username", "u.roles", "un.id as unit_id", "un.path", "un.tier", "un.sector_domains");
  return buildScope({ userId: u.id, username: u.username, unitId: u.unit_id, unitPath: u.path, tier: u.tier, roles: u.roles, sectorDomains: u.sector_domains });
}
async function usernameOf(unitId: number) {
  return (await t.db("users").where({ unit_id: unitId }).first("username")).username as string;
}

describe("dashboards over the seeded database and the real ETL", () => {
  it("province overview: poverty rate by district recomputed from sums", async () => {
    const scope = await scopeOf("bandantoctinh");
    const d = getDashboard("province")!;
    const setup = await prepareDashboard(t.db, wh, scope, d, new URL("http://x/dashboards/province?period=2024"));
    const panels = Object.fromEntries((await runDashboard(wh, scope, d, setup.ctx)).map((p) => [p.id, p]));
    const expected = fx.districts.map((dd) => {
      const cs = fx.communes.filter((c) => c.districtId === dd.id);
      const rate = (100 * cs.reduce((a, c) => a + poor(c.i, 2024), 0)) / cs.reduce((a, c) => a + reviewed(c.i), 0);
      return [dd.name, Math.round(rate * 100) / 100];
    });
    const got = panels["poverty-by-district"].chart!.table.rows.map((r) => [r.category, Math.round((r.value as number) * 100) / 100]);
    expect(got.sort()).toEqual(expected.sort());
    expect(panels["poverty-map"].chart!.table.rows.map((r) => r.code).sort()).toEqual(fx.districts.map((x) => x.code).sort());
    expect(panels["poverty-trend"].chart!.table.rows.map((r) => r.x)).toEqual(["Năm 2023", "Năm 2024"]);
  });

  it("a district account: unit parameter of another district is refused (403)", async () => {
    const [a, b] = fx.districts;
    const scope = await scopeOf(await usernameOf(a.id));
    const d = getDashboard("district")!;
    const own = await prepareDashboard(t.db, wh, scope, d, new URL(`http://x/dashboards/district`));
    expect(own.unit.id).toBe(a.id);
    expect(own.unitOptions.map((u) => u.id)).toEqual([a.id]);
    const err = await prepareDashboard(t.db, wh, scope, d, new URL(`http://x/dashboards/district?unit=${b.id}`)).catch((e) => e);
    expect(err).toBeInstanceOf(Response);
    expect((err as Response).status).toBe(403);
    const panels = await runDashboard(wh, scope, d, own.ctx);
    const ranking = panels.find((p) => p.id === "commune-poverty-ranking")!;
    expect(ranking.chart!.table.rows.map((r) => r.name).sort()).toEqual(fx.communes.filter((c) => c.districtId === a.id).map((c) => c.name).sort());
  });

  it("completeness: approval rate by district over every expected commune report", async () => {
    const scope = await scopeOf("bandantoctinh");
    const d = getDashboard("completeness")!;
    const setup = await prepareDashboard(t.db, wh, scope, d, new URL("http://x/dashboards/completeness?period=2024"));
    const panels = Object.fromEntries((await runDashboard(wh, scope, d, setup.ctx)).map((p) => [p.id, p]));
    for (const dd of fx.districts) {
      const n = Number((await t.db("units").where({ parent_id: dd.id, tier: "commune" }).count({ n: "*" }))[0].n);
      // 2 forms expected from each of its n communes; the fixture approved both forms for 2 communes, on time
      const row = panels["approved-by-district"].chart!.table.rows.find((r) => r.category === dd.name)!;
      expect(row.value).toBeCloseTo((100 * 4) / (2 * n), 6);
      const onTime = panels["ontime-by-district"].chart!.table.rows.find((r) => r.category === dd.name)!;
      expect(onTime.value).toBeCloseTo((100 * 4) / (2 * n), 6);
    }
    const byForm = panels["approved-by-form"].chart!.table.rows;
    expect(byForm.map((r) => r.y).sort()).toEqual(["BM01-DANSO", "BM02-NGHEO"]);
  });

  it("page timing for the bench: province dashboard server time", async () => {
    const t0 = await measureDashboardPage({ db: t.db, wh, scope: await scopeOf("bandantoctinh"), runs: 3 });
    expect(t0).toMatchObject({ dashboard: "province", runs: 3, panels: 8 });
    expect(t0.median_ms).toBeGreaterThan(0);
    expect(t0.median_ms).toBeGreaterThanOrEqual(t0.query_ms);
  });
});
