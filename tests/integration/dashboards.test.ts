import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWarehouse, type WarehouseService } from "../../warehouse/service.ts";
import { loadMiniWarehouseWithPopulation, miniScope } from "../fixtures/warehouse-mini.ts";
import { getDashboard } from "../../dashboards/registry.ts";
import { runDashboard } from "../../dashboards/run.ts";
import { loadCatalogue } from "../../dashboards/catalogue.ts";
import { buildDashboardContext } from "../../dashboards/build-context.ts";
import { parseFilterState } from "../../dashboards/state.ts";
import { renderSvg } from "../../dashboards/charts/render-svg.server.ts";
import type { Scope } from "../../app/scope/scope.ts";

/**
 * Every dashboard's panels against the mini warehouse (tests/fixtures):
 * province 1; districts 10 "Huyện A" (040) and 20 "Huyện B" (042); communes
 * 101, 102 (in A) and 201 (in B); department 5. Year 2024 and 2023.
 * Added here: population by ethnicity for 2024.
 */
let wh: WarehouseService;
beforeAll(async () => {
  wh = await openWarehouse({ path: ":memory:" });
  await loadMiniWarehouseWithPopulation(wh);
});
afterAll(async () => wh.close());

async function run(id: string, scope: Scope, unit: { id: number; tier: string }, query = "") {
  const cat = await loadCatalogue(wh);
  const ctx = buildDashboardContext({ filters: parseFilterState(new URLSearchParams(query)).state, ...cat, unit, sectorDomains: scope.grants.flatMap((g) => g.domains ?? []) });
  const panels = await runDashboard(wh, scope, getDashboard(id)!, ctx);
  for (const p of panels) expect(p.error, `${id}/${p.id}`).toBeNull();
  return Object.fromEntries(panels.map((p) => [p.id, p]));
}
const values = (p: { chart: { table: { rows: Record<string, unknown>[] } } | null }, k1: string, k2 = "value") =>
  (p.chart?.table.rows ?? []).map((r) => [r[k1], typeof r[k2] === "number" ? Math.round((r[k2] as number) * 100) / 100 : r[k2]]);

describe("province overview", () => {
  it("returns the expected numbers for the whole province", async () => {
    const p = await run("province", miniScope(1), { id: 1, tier: "province" });
    expect(values(p["pop-by-ethnicity"], "category")).toEqual([["Tày", 1000], ["Kinh", 200]]);
    // poverty rate by ethnicity: Kinh 10/60, Tày 40/40 (numerators and denominators summed)
    expect(values(p["poverty-by-ethnicity"], "category")).toEqual([["Tày", 100], ["Kinh", 16.67]]);
    // by district: A = (50+30)/(100+300) = 20 %, B = 20/200 = 10 %
    expect(values(p["poverty-by-district"], "category")).toEqual([["Huyện A", 20], ["Huyện B", 10]]);
    expect(values(p["poverty-map"], "code")).toEqual([["040", 20], ["042", 10]]);
    // trend: 2023 = 60/90, 2024 = 100/600
    expect(values(p["poverty-trend"], "x", "s0")).toEqual([["Năm 2023", 66.67], ["Năm 2024", 16.67]]);
    expect(p["infrastructure"].chart?.table.rows).toEqual([]);
    // headline: latest period and change from the one before (ratios recomputed per period)
    const kpi = Object.fromEntries(p["headline"].chart!.table.rows.map((r) => [r.name, [r.current, r.previous, r.change].map((v) => (typeof v === "number" ? Math.round(v * 100) / 100 : v))]));
    expect(kpi).toEqual({ "Dân số": [1200, null, null], "Tỷ lệ hộ nghèo": [16.67, 66.67, -50] });
  });

  it("the period filter changes the numbers (URL state)", async () => {
    const p = await run("province", miniScope(1), { id: 1, tier: "province" }, "period=2023");
    expect(values(p["poverty-by-district"], "category")).toEqual([["Huyện A", 66.67]]);
  });

  it("the ethnicity filter narrows poverty by district", async () => {
    const p = await run("province", miniScope(1), { id: 1, tier: "province" }, "eth=02");
    expect(values(p["poverty-by-district"], "category")).toEqual([["Huyện A", 100]]);
  });

  it("renders every drawable panel to SVG", async () => {
    const p = await run("province", miniScope(1), { id: 1, tier: "province" });
    for (const id of ["pop-by-ethnicity", "poverty-by-district", "poverty-map", "poverty-trend"]) expect(renderSvg(p[id].chart!)).toMatch(/^<svg/);
  });
});

describe("district, commune, sector and completeness dashboards", () => {
  it("district: its communes ranked", async () => {
    const p = await run("district", miniScope(10), { id: 10, tier: "district" });
    // 101: 50/100 = 50 %, 102: 30/300 = 10 %
    expect(p["commune-poverty-ranking"].chart!.table.rows).toEqual([
      { rank: 1, name: "Xã A1", value: 50 },
      { rank: 2, name: "Xã A2", value: 10 },
    ]);
    expect(values(p["commune-population"], "category")).toEqual([["Xã A1", 500]]);
    expect(p["commune-poor-households"].chart!.table.rows).toEqual([
      { category: "Xã A1", s0: 50, total: 50 },
      { category: "Xã A2", s0: 30, total: 30 },
    ]);
    expect(p["commune-heatmap"].chart!.table.rows).toEqual([{ y: "Xã A1", x0: 50 }, { y: "Xã A2", x0: 10 }]);
    // district trend: 2023 = 60/90 (only A1 reported), 2024 = 80/400
    expect(values(p["district-trend"], "x", "s0")).toEqual([["Năm 2023", 66.67], ["Năm 2024", 20]]);
  });

  it("commune profile: its own figures", async () => {
    const p = await run("commune", miniScope(101), { id: 101, tier: "commune" });
    const profile = Object.fromEntries(p["profile"].chart!.table.rows.map((r) => [r.c0, r.c1]));
    expect(profile).toMatchObject({ "Dân số": 500, "Số hộ nghèo": 50, "Tỷ lệ hộ nghèo": 50 });
    expect(values(p["pop-by-sex"], "category")).toEqual([["Nam", 240], ["Nữ", 260]]);
    expect(values(p["pop-by-ethnicity"], "category")).toEqual([["Tày", 300], ["Kinh", 200]]);
    expect(values(p["commune-trend"], "x", "s0")).toEqual([["Năm 2023", 66.67], ["Năm 2024", 50]]);
  });

  it("sector: a poverty department sees poverty province-wide, nothing else", async () => {
    const p = await run("sector", miniScope(5, ["poverty"]), { id: 1, tier: "province" });
    expect(values(p["by-district-poverty-rate"], "category")).toEqual([["Huyện A", 20], ["Huyện B", 10]]);
    const prov = await run("province", miniScope(5, ["poverty"]), { id: 1, tier: "province" });
    expect(prov["pop-by-ethnicity"].chart!.table.rows).toEqual([]);
    expect(values(prov["poverty-by-district"], "category")).toEqual([["Huyện A", 20], ["Huyện B", 10]]);
  });

  it("completeness: approval and on-time rates by district and form", async () => {
    const p = await run("completeness", miniScope(1), { id: 1, tier: "province" });
    // A: 2 expected (101 approved on time, 102 submitted) → 50 %; B: 1 expected, none → 0 %
    expect(values(p["approved-by-district"], "category")).toEqual([["Huyện A", 50], ["Huyện B", 0]]);
    expect(values(p["ontime-by-district"], "category")).toEqual([["Huyện A", 50], ["Huyện B", 0]]);
    expect(p["approved-by-form"].chart!.table.rows).toEqual([{ y: "BM02-NGHEO", x0: 100 / 3, x1: 100 / 3 }]);
    // status counts: A = 1 approved + 1 waiting; B = 1 not started
    const status = p["status-by-district"].chart!.table;
    expect(status.columns.map((c) => c.label)).toEqual(["Huyện/Thành phố", "Đã phê duyệt", "Chờ duyệt", "Trả lại", "Đang nhập", "Chưa bắt đầu", "Tổng"]);
    expect(status.rows).toEqual([
      { category: "Huyện A", s0: 1, s1: 1, s2: 0, s3: 0, s4: 0, total: 2 },
      { category: "Huyện B", s0: 0, s1: 0, s2: 0, s3: 0, s4: 1, total: 1 },
    ]);
    expect(p["district-form-heatmap"].chart!.table.rows).toEqual([{ y: "Huyện A", x0: 50 }, { y: "Huyện B", x0: 0 }]);
  });
});

describe("scope is applied in the query layer", () => {
  it("a district user sees only its district, whatever unit the URL names", async () => {
    const own = await run("province", miniScope(20), { id: 20, tier: "district" });
    expect(values(own["poverty-by-district"], "category")).toEqual([["Huyện B", 10]]);
    // tampered: the other district's id — every panel empty
    const tampered = await run("district", miniScope(20), { id: 10, tier: "district" });
    for (const p of Object.values(tampered)) expect(p.chart?.table.rows ?? [], p.id).toEqual([]);
    const prov = await run("province", miniScope(20), { id: 1, tier: "province" });
    expect(values(prov["poverty-by-district"], "category")).toEqual([["Huyện B", 10]]);
  });

  it("a commune user sees only its commune", async () => {
    const p = await run("province", miniScope(102), { id: 1, tier: "province" });
    expect(values(p["poverty-by-district"], "category")).toEqual([["Huyện A", 10]]);
    const c = await run("completeness", miniScope(102), { id: 1, tier: "province" });
    expect(values(c["approved-by-district"], "category")).toEqual([["Huyện A", 0]]);
  });
});
