import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWarehouse, type WarehouseService } from "../../warehouse/service.ts";
import { queryCompleteness, queryIndicators } from "../../warehouse/query/index.ts";
import type { WarehouseReader } from "../../warehouse/query/types.ts";
import { loadMiniWarehouse, miniScope } from "../fixtures/warehouse-mini.ts";

/**
 * The query layer keeps the catalogue and the dimensions between requests
 * (WarehouseService.memo) and writes only its own integers into the SQL text.
 * These tests pin what that must never break: a write is seen by the next
 * query, and a caller's strings always travel as bound parameters.
 */
let wh: WarehouseService;
beforeAll(async () => {
  wh = await openWarehouse({ path: ":memory:" });
  await loadMiniWarehouse(wh);
});
afterAll(async () => wh.close());

function spy(): { reader: WarehouseReader; seen: { sql: string; params: readonly unknown[] }[] } {
  const seen: { sql: string; params: readonly unknown[] }[] = [];
  const reader: WarehouseReader = {
    all: (sql, params) => (seen.push({ sql, params: params ?? [] }), wh.all(sql, params)),
    columns: (sql, params) => (seen.push({ sql, params: params ?? [] }), wh.columns(sql, params)),
    memo: (k, l) => wh.memo(k, l),
  };
  return { reader, seen };
}

describe("memoised look-ups", () => {
  it("are read once, then kept until a writer connection opens or closes", async () => {
    const { reader, seen } = spy();
    await queryIndicators(reader, miniScope(1), { indicators: ["HH_POOR"], filters: { periods: ["2024"] } });
    const first = seen.length;
    seen.length = 0;
    await queryIndicators(reader, miniScope(1), { indicators: ["HH_POOR"], filters: { periods: ["2024"] } });
    expect(seen).toHaveLength(1); // the query itself; catalogue and dimensions came from the memo
    expect(first).toBeGreaterThan(1);
  });

  it("a change written through a writer connection is seen by the next query", async () => {
    const before = await queryIndicators(wh, miniScope(1), { indicators: ["HH_NEW"], filters: { periods: ["2024"] } });
    expect(before.unknownIndicators).toEqual(["HH_NEW"]);
    const c = await wh.connect();
    // while the writer is open nothing is kept: a query now reads the catalogue afresh
    await c.run(`insert into dim_indicator values (9,'HH_NEW','Hộ mới','New households','poverty','Hộ','households','integer','ethnicity','sum',null,null,null,null,null)`);
    await c.run(`insert into fact_indicator_value values (9, 7, 101, '00', 'T', 4, 1, now())`);
    await c.run(`update dim_unit set name = 'Xã A1 (mới)' where unit_id = 101`);
    c.closeSync();
    const after = await queryIndicators(wh, miniScope(1), { indicators: ["HH_NEW"], groupBy: ["unit"], unitLevel: "commune", filters: { periods: ["2024"] } });
    expect(after.unknownIndicators).toEqual([]);
    expect(after.rows).toEqual([expect.objectContaining({ indicator: "HH_NEW", unitId: 101, unitName: "Xã A1 (mới)", value: 4 })]);
  });

  it("answers derived per caller (unit ids in the request) are kept in a bounded cache", async () => {
    const { derive, dimensions } = await import("../../warehouse/query/lookups.ts");
    const dims = await dimensions(wh);
    let computed = 0;
    // subsets of real unit ids make keys without end: 700 of them
    for (let i = 0; i < 700; i++) derive(dims, `nodes\ncaller ${i}`, () => ++computed);
    expect(computed).toBe(700);
    expect(dims.derived.size).toBe(512);
    expect(derive(dims, "nodes\ncaller 699", () => ++computed)).toBe(700); // recent ones stay
    expect(derive(dims, "nodes\ncaller 0", () => ++computed)).toBe(701); // the oldest went
  });

  it("a failed look-up is not kept", async () => {
    let calls = 0;
    await expect(wh.memo("boom", async () => (calls++, Promise.reject(new Error("x"))))).rejects.toThrow("x");
    await expect(wh.memo("boom", async () => (calls++, 42))).resolves.toBe(42);
    expect(calls).toBe(2);
  });
});

describe("what the SQL text may carry", () => {
  it("a caller's strings are bound parameters, never part of the SQL", async () => {
    const { reader, seen } = spy();
    await queryIndicators(reader, miniScope(10), {
      indicators: ["HH_POOR", "POVERTY_RATE"],
      groupBy: ["unit", "ethnicity", "sex"],
      unitLevel: "commune",
      filters: { ethnicities: ["01", "02"], sex: ["T"], periods: ["2024"], domains: ["poverty"] },
    });
    await queryCompleteness(reader, miniScope(10), { forms: ["BM02-NGHEO"], periods: ["2024"], unitLevel: "commune" });
    const queries = seen.filter((q) => /fact_|mart_/.test(q.sql));
    expect(queries.length).toBeGreaterThanOrEqual(2);
    for (const q of queries) {
      for (const s of ["'01'", "'02'", "BM02-NGHEO", "/1/10/", "'2024'", "'poverty'"]) expect(q.sql).not.toContain(s);
    }
    const params = queries.flatMap((q) => q.params);
    for (const s of ["01", "02", "BM02-NGHEO", "/1/10/"]) expect(params).toContain(s);
  });

  it("a province-wide question over the marts needs no parameters and no joins", async () => {
    const c = await wh.connect();
    const { buildMartsFull, refreshSubmissionMart } = await import("../../etl/load-marts.ts");
    const { MARTS_VERSION } = await import("../../warehouse/marts-version.ts");
    await c.run("begin transaction");
    await buildMartsFull(c);
    await refreshSubmissionMart(c, null);
    await c.run("delete from etl_state where key = 'marts'");
    await c.run("insert into etl_state values ('marts', ?)", [MARTS_VERSION]);
    await c.run("commit");
    c.closeSync();
    const { reader, seen } = spy();
    const r = await queryIndicators(reader, miniScope(1), { indicators: ["HH_POOR"], groupBy: ["year"], filters: { unitIds: [1] } });
    expect(r.source).toBe("mart");
    const q = seen.find((x) => x.sql.includes("mart_indicator_node"))!;
    expect(q.params).toEqual([]);
    expect(q.sql).not.toMatch(/\bjoin\b/i);
    const byDistrict = await queryCompleteness(reader, miniScope(1), { periods: ["2024"], unitLevel: "district" });
    expect(byDistrict.map((x) => [x.unitCode, x.expected])).toEqual([
      ["040", 2],
      ["042", 1],
    ]);
    const cq = seen.find((x) => x.sql.includes("mart_submission_node"))!;
    expect(cq.params).toEqual([]);
    expect(cq.sql).not.toMatch(/\bjoin\b/i);
  });
});
