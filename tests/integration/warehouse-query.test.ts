import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWarehouse, type WarehouseService } from "../../warehouse/service.ts";
import { queryCompleteness, queryIndicators } from "../../warehouse/query/index.ts";
import { loadMiniWarehouse, miniScope } from "../fixtures/warehouse-mini.ts";

let wh: WarehouseService;
beforeAll(async () => {
  wh = await openWarehouse({ path: ":memory:" });
  await loadMiniWarehouse(wh);
});
afterAll(async () => wh.close());

describe("query layer: aggregation", () => {
  it("sums counts up the hierarchy", async () => {
    const r = await queryIndicators(wh, miniScope(1), { indicators: ["HH_POOR"], groupBy: ["unit"], unitLevel: "district", filters: { periods: ["2024"] } });
    expect(r.rows.map((x) => [x.unitId, x.value])).toEqual([
      [10, 80],
      [20, 20],
    ]);
    const p = await queryIndicators(wh, miniScope(1), { indicators: ["HH_POOR"], groupBy: ["unit"], unitLevel: "province", filters: { periods: ["2024"] } });
    expect(p.rows).toHaveLength(1);
    expect(p.rows[0]).toMatchObject({ unitId: 1, value: 100, unitName: "Tỉnh Cao Bằng" });
  });

  it("recomputes ratios from summed numerator and denominator, not the mean of rates", async () => {
    const r = await queryIndicators(wh, miniScope(1), { indicators: ["POVERTY_RATE"], groupBy: ["unit"], unitLevel: "district", filters: { periods: ["2024"] } });
    const a = r.rows.find((x) => x.unitId === 10)!;
    expect(a.numerator).toBe(80);
    expect(a.denominator).toBe(400);
    expect(a.value).toBeCloseTo(20, 10); // mean of commune rates would be 30
    const province = await queryIndicators(wh, miniScope(1), { indicators: ["POVERTY_RATE"], filters: { periods: ["2024"] } });
    expect(province.rows[0]!.value).toBeCloseTo((100 / 600) * 100, 10);
  });

  it("breaks down by ethnicity and sex without double counting totals", async () => {
    const eth = await queryIndicators(wh, miniScope(1), { indicators: ["HH_POOR"], groupBy: ["ethnicity"], filters: { periods: ["2024"], unitIds: [101] } });
    expect(eth.rows.map((x) => [x.ethnicity, x.value])).toEqual([
      ["00", 50],
      ["01", 10],
      ["02", 40],
    ]);
    const total = await queryIndicators(wh, miniScope(1), { indicators: ["POP"], filters: { periods: ["2024"] } });
    expect(total.rows[0]!.value).toBe(1200);
    const bySex = await queryIndicators(wh, miniScope(1), { indicators: ["POP"], groupBy: ["sex"], filters: { sex: ["M", "F"], periods: ["2024"] } });
    expect(bySex.rows.map((x) => [x.sex, x.value])).toEqual([
      ["F", 610],
      ["M", 590],
    ]);
  });

  it("an ethnicity filter: a well-formed code the warehouse has never seen matches nothing (no error), a malformed one is refused, known ones match", async () => {
    const q = (ethnicities: string[]) =>
      queryIndicators(wh, miniScope(1), { indicators: ["HH_POOR"], groupBy: ["ethnicity"], filters: { periods: ["2024"], unitIds: [101], ethnicities } });
    expect((await q(["77"])).rows).toEqual([]);
    expect((await q(["02", "99"])).rows.map((x) => [x.ethnicity, x.value])).toEqual([["02", 40]]);
    await expect(q(["Tày"])).rejects.toThrow(/Mã dân tộc không hợp lệ/);
    await expect(q(["' or 1=1 --"])).rejects.toThrow(/Mã dân tộc không hợp lệ/);
  });

  it("groups by year and ranks communes", async () => {
    const trend = await queryIndicators(wh, miniScope(1), { indicators: ["HH_POOR"], groupBy: ["year"] });
    expect(trend.rows.map((x) => [x.year, x.value])).toEqual([
      [2023, 60],
      [2024, 100],
    ]);
    const rank = await queryIndicators(wh, miniScope(1), { indicators: ["POVERTY_RATE"], groupBy: ["unit"], unitLevel: "commune", filters: { periods: ["2024"] }, orderBy: "value_desc", limit: 2 });
    expect(rank.rows.map((x) => x.unitId)).toEqual([101, 102]); // 50 %, then the tie at 10 % broken by unit
    expect(rank.truncated).toBe(true);
  });

  it("rejects malformed parameters with a clear message", async () => {
    await expect(queryIndicators(wh, miniScope(1), { indicators: ["x'; drop table dim_unit; --"] })).rejects.toThrow(/mã chỉ tiêu/i);
    await expect(queryIndicators(wh, miniScope(1), { indicators: ["HH_POOR"], filters: { ethnicities: ["00", "01"] } })).rejects.toThrow(/00/);
  });
});

describe("query layer: scope applied inside", () => {
  it("a district never gets another district's rows, whatever the parameters", async () => {
    const s = miniScope(10);
    const own = await queryIndicators(wh, s, { indicators: ["HH_POOR", "POVERTY_RATE", "POP"], groupBy: ["unit"], unitLevel: "commune" });
    expect(new Set(own.rows.map((x) => x.unitId))).toEqual(new Set([101, 102]));
    const tampered = await queryIndicators(wh, s, { indicators: ["HH_POOR"], groupBy: ["unit"], unitLevel: "unit", filters: { unitIds: [20, 201, 1] } });
    expect(tampered.rows.every((x) => x.unitId === 101 || x.unitId === 102)).toBe(true);
    const other = await queryIndicators(wh, s, { indicators: ["HH_POOR"], filters: { unitIds: [201] } });
    expect(other.rows).toEqual([]);
    const province = await queryIndicators(wh, s, { indicators: ["HH_POOR"], groupBy: ["unit"], unitLevel: "province", filters: { periods: ["2024"] } });
    expect(province.rows[0]!.value).toBe(80); // only its own communes behind the province row
    const comp = await queryCompleteness(wh, s, { unitLevel: "commune" });
    expect(comp.map((x) => x.unitId).sort()).toEqual([101, 102]);
  });

  it("a commune sees only itself", async () => {
    const r = await queryIndicators(wh, miniScope(102), { indicators: ["HH_POOR"], groupBy: ["unit"], unitLevel: "commune" });
    expect(r.rows.map((x) => x.unitId)).toEqual([102]);
  });

  it("a sector department sees its domains province-wide and nothing else", async () => {
    const s = miniScope(5, ["poverty"]);
    const pov = await queryIndicators(wh, s, { indicators: ["POVERTY_RATE"], groupBy: ["unit"], unitLevel: "district", filters: { periods: ["2024"] } });
    expect(pov.rows.map((x) => x.unitId)).toEqual([10, 20]);
    const pop = await queryIndicators(wh, s, { indicators: ["POP"] });
    expect(pop.rows).toEqual([]);
  });

  it("completeness counts statuses per district", async () => {
    const rows = await queryCompleteness(wh, miniScope(1), { periods: ["2024"] });
    const a = rows.find((r) => r.unitId === 10)!;
    expect(a).toMatchObject({ expected: 2, approved: 1, submitted: 1, notStarted: 0, onTime: 1, approvedPct: 50 });
    const b = rows.find((r) => r.unitId === 20)!;
    expect(b).toMatchObject({ expected: 1, notStarted: 1, approved: 0 });
  });
});
