import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWarehouse, type WarehouseService } from "../../warehouse/service.ts";
import { queryCompleteness, queryIndicators } from "../../warehouse/query/index.ts";
import type { Dimension, IndicatorFilters, IndicatorQuery, IndicatorResult, UnitLevel, WarehouseReader } from "../../warehouse/query/types.ts";
import { MARTS_VERSION } from "../../warehouse/schema.ts";
import { buildMartsFull, refreshMarts, refreshSubmissionMart } from "../../etl/load-marts.ts";
import { loadMiniWarehouse, miniScope } from "../fixtures/warehouse-mini.ts";

/**
 * The query layer answers from mart_indicator_node when the request allows it
 * and from the base facts otherwise; both must give the same numbers. Every
 * combination below is asked twice — marts off (etl_state.marts absent), marts
 * on — and compared row by row.
 */
let wh: WarehouseService;

async function setMarts(on: boolean) {
  const c = await wh.connect();
  await c.run("delete from etl_state where key = 'marts'");
  if (on) await c.run("insert into etl_state values ('marts', ?)", [MARTS_VERSION]);
  c.closeSync();
}

beforeAll(async () => {
  wh = await openWarehouse({ path: ":memory:" });
  await loadMiniWarehouse(wh);
  const c = await wh.connect();
  // Beyond the mini fixture: facts reported by a district (BM04), the province and a department
  // themselves, a decimal value, ratio cells where only one side was reported, a second year by sex.
  const extra: [number, number, number, string, string, number][] = [
    [2, 7, 10, "00", "T", 5], [1, 7, 10, "00", "T", 7],
    [1, 7, 1, "00", "T", 11],
    [2, 7, 5, "00", "T", 3],
    [1, 6, 102, "00", "T", 250],
    [2, 6, 201, "02", "T", 4.5], [2, 6, 201, "00", "T", 4.5],
    [1, 6, 201, "01", "T", 33.25], [1, 6, 201, "00", "T", 33.25],
    [4, 6, 102, "01", "M", 12], [4, 6, 102, "01", "F", 13], [4, 6, 102, "01", "T", 25],
    [4, 6, 102, "00", "M", 12], [4, 6, 102, "00", "F", 13], [4, 6, 102, "00", "T", 25],
  ];
  for (const f of extra) await c.run("insert into fact_indicator_value values (?, ?, ?, ?, ?, ?, 2, now())", [...f]);
  await c.run(`insert into fact_submission values
    (7,'BM04-HUYEN',10,3,'approved',true,1,'2025-01-05','2025-01-05','2025-01-06','2025-01-31',true,now(),false),
    (7,'BM04-HUYEN',20,4,'returned',true,1,'2025-02-05','2025-02-05',null,'2025-01-31',false,now(),false),
    (7,'BM03-X',101,5,'draft',false,10,null,null,null,'2025-01-31',null,now(),false),
    (6,'BM02-NGHEO',101,6,'approved',true,10,'2024-02-10','2024-02-10','2024-02-12','2024-01-31',false,now(),false),
    (6,'BM02-NGHEO',201,null,'not_started',true,20,null,null,null,'2024-01-31',null,null,false),
    (7,'BM05-SO',5,7,'submitted',true,1,'2025-01-10','2025-01-10',null,'2025-01-31',true,now(),false)`);
  await c.run("begin transaction");
  await buildMartsFull(c);
  await refreshSubmissionMart(c, null);
  await c.run("commit");
  c.closeSync();
});
afterAll(async () => wh.close());

type ScopeCase = [string, ReturnType<typeof miniScope>];
const scopes: ScopeCase[] = [
  ["province", miniScope(1)],
  ["district 10", miniScope(10)],
  ["district 20", miniScope(20)],
  ["poverty department", miniScope(5, ["poverty"])],
  ["commune 101", miniScope(101)],
];
const indicatorSets = [["HH_POOR"], ["POVERTY_RATE"], ["HH_POOR", "POVERTY_RATE", "POP"]];
const groupings: [Dimension[], UnitLevel | undefined][] = [
  [[], undefined],
  [["unit"], "district"],
  [["unit"], "province"],
  [["unit", "ethnicity"], "district"],
  [["unit", "period"], "district"],
  [["year"], undefined],
  [["ethnicity"], undefined],
  [["sex", "unit"], "district"],
  [["unit"], "commune"],
];
const filterSets: IndicatorFilters[] = [
  {},
  { periods: ["2024"] },
  { unitIds: [1] },
  { unitIds: [10] },
  { unitIds: [20], years: [2023] },
  { unitIds: [101] },
  { ethnicities: ["01", "02"] },
  { sex: ["M", "F"] },
  { domains: ["population"] },
];

function comparable(r: IndicatorResult) {
  return r.rows.map((x) => ({ ...x, value: x.value === null ? null : Number(x.value.toPrecision(12)) }));
}

describe("marts: same numbers as the facts", () => {
  it("every grouping × filter × scope gives identical rows from the mart and from the facts", async () => {
    let viaMart = 0;
    let compared = 0;
    for (const [, scope] of scopes)
      for (const indicators of indicatorSets)
        for (const [groupBy, unitLevel] of groupings)
          for (const filters of filterSets) {
            const q: IndicatorQuery = { indicators, groupBy, unitLevel, filters };
            await setMarts(false);
            const base = await queryIndicators(wh, scope, q);
            await setMarts(true);
            const marts = await queryIndicators(wh, scope, q);
            expect(base.source ?? "facts").toBe("facts");
            if (marts.source === "mart") viaMart++;
            expect(comparable(marts), JSON.stringify({ scope: scope.grants, q })).toEqual(comparable(base));
            compared++;
          }
    expect(compared).toBe(scopes.length * indicatorSets.length * groupings.length * filterSets.length);
    expect(viaMart).toBeGreaterThan(compared / 4); // the mart path is really exercised
  });

  it("completeness: the same counts from mart_submission_node as from fact_submission", async () => {
    const seen: string[] = [];
    const spy: WarehouseReader = { all: (sql, params) => (seen.push(sql), wh.all(sql, params)) };
    let compared = 0;
    for (const [, scope] of scopes)
      for (const unitLevel of ["district", "province", "commune", "unit"] as UnitLevel[])
        for (const f of [{}, { periods: ["2024"] }, { forms: ["BM04-HUYEN"] }, { unitIds: [10] }, { unitIds: [1] }, { unitIds: [101] }] as { periods?: string[]; forms?: string[]; unitIds?: number[] }[]) {
          await setMarts(false);
          const base = await queryCompleteness(spy, scope, { ...f, unitLevel });
          await setMarts(true);
          const marts = await queryCompleteness(spy, scope, { ...f, unitLevel });
          expect(marts, JSON.stringify({ scope: scope.grants, f, unitLevel })).toEqual(base);
          compared++;
        }
    expect(compared).toBe(scopes.length * 4 * 6);
    expect(seen.filter((q) => q.includes("mart_submission_node")).length).toBeGreaterThan(20);
    // a district sees its own district row only
    await setMarts(true);
    const own = await queryCompleteness(spy, miniScope(10), { unitLevel: "district", unitIds: [20, 10, 1] });
    expect(new Set(own.map((r) => r.unitId))).toEqual(new Set([10]));
    expect(own.find((r) => r.period === "2024" && r.formCode === "BM02-NGHEO")).toMatchObject({ expected: 2, approved: 1, submitted: 1, notStarted: 0 });
  });

  it("takes the mart for a district roll-up, recomputes ratios from summed parts and keeps a district inside its scope", async () => {
    await setMarts(true);
    const rate = await queryIndicators(wh, miniScope(1), { indicators: ["POVERTY_RATE"], groupBy: ["unit"], unitLevel: "district", filters: { periods: ["2024"] } });
    expect(rate.source).toBe("mart");
    const a = rate.rows.find((x) => x.unitId === 10)!;
    // communes 101 (50/100) and 102 (30/300) plus the district's own cell (5/7): never a mean of rates
    expect([a.numerator, a.denominator]).toEqual([85, 407]);
    expect(a.value).toBeCloseTo((85 / 407) * 100, 10);
    const trend = await queryIndicators(wh, miniScope(1), { indicators: ["POVERTY_RATE"], groupBy: ["year"], filters: { unitIds: [1] } });
    expect(trend.source).toBe("mart");
    // 2023: cells with both parts are 101 (60/90) and 201 ('00': 4.5/33.25); 102's reviewed-only cell is left out
    expect(trend.rows[0]).toMatchObject({ year: 2023, numerator: 64.5, denominator: 123.25 });

    for (const tampered of [{}, { unitIds: [20] }, { unitIds: [1] }, { unitIds: [20, 10] }, { periods: ["2023", "2024"] }] as IndicatorFilters[]) {
      const r = await queryIndicators(wh, miniScope(10), { indicators: ["HH_POOR", "POVERTY_RATE"], groupBy: ["unit"], unitLevel: "district", filters: tampered });
      expect(r.source).toBe("mart");
      expect(r.rows.every((x) => x.unitId === 10)).toBe(true);
    }
    const other = await queryIndicators(wh, miniScope(10), { indicators: ["HH_POOR"], filters: { unitIds: [20] } });
    expect(other.rows).toEqual([]);
    // a province row for a district user holds only its own district: read from the facts
    const prov = await queryIndicators(wh, miniScope(10), { indicators: ["HH_POOR"], groupBy: ["unit"], unitLevel: "province", filters: { periods: ["2024"] } });
    expect(prov.source).toBe("facts");
    expect(prov.rows[0]!.value).toBe(85);
  });

  it("an incremental refresh of touched slices equals a full rebuild", async () => {
    const c = await wh.connect();
    await c.run("begin transaction");
    await c.run("update fact_indicator_value set value = value + 1 where unit_id = 102 and period_id = 7");
    await c.run("create or replace temp table changed as select 7 as period_id, 102 as unit_id");
    await refreshMarts(c, "changed");
    const refreshed = (await c.runAndReadAll("select * from mart_indicator_node order by all")).getRowObjectsJson();
    await buildMartsFull(c);
    const rebuilt = (await c.runAndReadAll("select * from mart_indicator_node order by all")).getRowObjectsJson();
    await c.run("rollback");
    c.closeSync();
    expect(refreshed.length).toBeGreaterThan(0);
    expect(refreshed).toEqual(rebuilt);
  });
});
