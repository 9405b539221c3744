import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWarehouse, type WarehouseService } from "../../warehouse/service.ts";
import { loadMiniWarehouse, miniScope } from "../fixtures/warehouse-mini.ts";
import { runPivot } from "../../dashboards/pivot/run.ts";
import { parseAnalysisState } from "../../dashboards/pivot/state.ts";
import { pivotToTable } from "../../dashboards/pivot/pivot.ts";
import { createTestDb, type TestDb } from "../setup/db.ts";
import { deleteSavedQuery, listSavedQueries, saveQuery } from "../../app/api/saved-queries.server.ts";

let wh: WarehouseService;
let t: TestDb;
beforeAll(async () => {
  wh = await openWarehouse({ path: ":memory:" });
  await loadMiniWarehouse(wh);
  t = await createTestDb();
});
afterAll(async () => {
  await wh.close();
  await t.drop();
});

const pivot = (q: string, unit: 1 | 10 | 20 = 1) => runPivot(wh, miniScope(unit), parseAnalysisState(new URLSearchParams(q)));
const rowsOf = (p: Awaited<ReturnType<typeof pivot>>) => p.rows.map((r) => [r.kind, ...r.labels, ...r.values.map((v) => (v === null ? null : Math.round(v * 100) / 100))]);

describe("analysis pivot over the query layer", () => {
  it("ratios are recomputed at every level, not averaged", async () => {
    const p = await pivot("indicators=POVERTY_RATE,HH_POOR&rows=unit&unitLevel=district&periods=2024");
    expect(p.columns.map((c) => c.indicator)).toEqual(["POVERTY_RATE", "HH_POOR"]);
    // A = 80/400, B = 20/200; province = 100/600 = 16.67 (the mean of rates would be 15)
    expect(rowsOf(p)).toEqual([
      ["cell", "Huyện A", 20, 80],
      ["cell", "Huyện B", 10, 20],
      ["total", "Tổng cộng", 16.67, 100],
    ]);
  });

  it("subtotals by district with communes inside, years as columns", async () => {
    const p = await pivot("indicators=POVERTY_RATE&rows=unit&unitLevel=commune&cols=year");
    expect(p.columns.map((c) => c.labels)).toEqual([["2023"], ["2024"], ["Tổng"]]);
    expect(rowsOf(p)).toEqual([
      ["cell", "Xã A1", 66.67, 50, 57.89], // 2023 60/90, 2024 50/100, both years 110/190
      ["cell", "Xã A2", null, 10, 10],
      ["cell", "Xã B1", null, 10, 10],
      ["total", "Tổng cộng", 66.67, 16.67, 23.19], // 2023 60/90, 2024 100/600, both (60+100)/(90+600)
    ]);
  });

  it("ethnic groups under units with a subtotal from the layer's own totals", async () => {
    const p = await pivot("indicators=POVERTY_RATE&rows=unit,ethnicity&unitLevel=district&periods=2024");
    expect(rowsOf(p)).toEqual([
      ["cell", "Huyện A", "Kinh", 16.67],
      ["cell", "Huyện A", "Tày", 100],
      ["subtotal", "Cộng Huyện A", "", 20],
      ["total", "Tổng cộng", "", 16.67],
    ]);
    expect(pivotToTable(p).rows.map((r) => r.kind)).toEqual(["Chi tiết", "Chi tiết", "Cộng nhóm", "Tổng cộng"]);
  });

  it("a district analyst sees only its district, even naming another unit", async () => {
    const own = await pivot("indicators=HH_POOR&rows=unit&unitLevel=district&periods=2024", 20);
    expect(rowsOf(own)).toEqual([["cell", "Huyện B", 20], ["total", "Tổng cộng", 20]]);
    const tampered = await pivot("indicators=HH_POOR&rows=unit&unitLevel=commune&units=10", 20);
    expect(tampered.rows).toEqual([]);
  });
});

describe("saved queries", () => {
  it("shared with accounts of the same unit only; only the owner deletes", async () => {
    const [a, b] = await t.db("users as u").join("units as un", "un.id", "u.unit_id").where("un.tier", "district").orderBy("un.code").limit(2).select("u.id", "u.unit_id as unitId");
    const id = await saveQuery(t.db, a, { name: "Nghèo theo huyện", search: "indicators=POVERTY_RATE&rows=unit", shared: true });
    await saveQuery(t.db, a, { name: "Riêng", search: "indicators=POP", shared: false });
    expect((await listSavedQueries(t.db, a)).map((q) => q.name).sort()).toEqual(["Nghèo theo huyện", "Riêng"]);
    // a second account of the same unit sees the shared one only
    const [colleague] = await t.db("users").insert({ username: "dongnghiep", unit_id: a.unitId, roles: ["analyst"], password_hash: "x" }).returning("id");
    expect((await listSavedQueries(t.db, { id: colleague.id, unitId: a.unitId })).map((q) => [q.name, q.mine])).toEqual([["Nghèo theo huyện", false]]);
    expect(await listSavedQueries(t.db, b)).toEqual([]);
    expect(await deleteSavedQuery(t.db, colleague.id, id)).toBe(false);
    expect(await deleteSavedQuery(t.db, a.id, id)).toBe(true);
  });
});
