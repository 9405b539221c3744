import { describe, expect, it } from "vitest";
import { DASHBOARDS, defaultDashboardFor, getDashboard } from "../../dashboards/registry.ts";
import { defineDashboard, DefinitionError, panelsFor } from "../../dashboards/definition.ts";
import { parseFilterState, filterStateToSearch } from "../../dashboards/state.ts";
import { buildDashboardContext } from "../../dashboards/build-context.ts";
import { resolvePeriod, trendPeriods } from "../../dashboards/catalogue.ts";
import type { PeriodInfo } from "../../dashboards/context.ts";

const periods: PeriodInfo[] = [
  { code: "2023", type: "year", year: 2023, label: "Năm 2023", startDate: "2023-01-01", isDemo: false },
  { code: "2024", type: "year", year: 2024, label: "Năm 2024", startDate: "2024-01-01", isDemo: false },
  { code: "2024-Q3", type: "quarter", year: 2024, label: "Quý III/2024", startDate: "2024-07-01", isDemo: false },
  { code: "2022", type: "year", year: 2022, label: "Năm 2022", startDate: "2022-01-01", isDemo: true },
];
const indicators = [
  { code: "POVERTY_RATE", name: "Tỷ lệ hộ nghèo", domain: "poverty", unit: "%", aggregation: "ratio" as const, disaggregation: "ethnicity" },
  { code: "HH_POOR", name: "Số hộ nghèo", domain: "poverty", unit: "Hộ", aggregation: "sum" as const, disaggregation: "ethnicity" },
  { code: "GRID_RATE", name: "Tỷ lệ thôn có điện", domain: "infrastructure", unit: "%", aggregation: "ratio" as const, disaggregation: "none" },
];
const ctx = (f: Record<string, string> = {}) =>
  buildDashboardContext({ filters: parseFilterState(new URLSearchParams(f)).state, periods, indicators, unit: { id: 1, tier: "province" }, sectorDomains: ["poverty"] });

describe("dashboard definitions", () => {
  it("all five validate at load and every panel builds a query", () => {
    expect(DASHBOARDS.map((d) => d.id)).toEqual(["province", "district", "commune", "sector", "completeness"]);
    for (const d of DASHBOARDS) {
      const panels = panelsFor(d, ctx());
      expect(panels.length).toBeGreaterThan(0);
      for (const p of panels) {
        const q = p.query(ctx());
        if (p.id === "sector-empty") continue;
        expect(q, `${d.id}/${p.id}`).not.toBeNull();
        if (q!.source === "indicators") {
          expect(q!.query.indicators.length).toBeGreaterThan(0);
          expect(q!.query.filters?.unitIds).toEqual([1]);
        }
      }
    }
  });

  it("rejects a bad definition naming every bad field", () => {
    const bad = () =>
      defineDashboard({
        id: "Bad Id",
        title: "x",
        tiers: [],
        panels: [{ id: "p", title: "Ô", query: "not a function" as never, chart: { kind: "pie" } as never }],
      });
    expect(bad).toThrow(DefinitionError);
    try {
      bad();
    } catch (e) {
      const m = (e as Error).message;
      expect(m).toContain("id");
      expect(m).toContain("tiers");
      expect(m).toContain("query");
      expect(m).toContain("panels.0.chart");
    }
  });

  it("rejects duplicate panel ids", () => {
    const p = { id: "a", title: "Ô một", query: () => null, chart: { kind: "bar" as const, category: "x" } };
    expect(() => defineDashboard({ id: "d", title: "Bảng", tiers: ["province"], panels: [p, p] })).toThrow(/trùng id "a"/);
  });

  it("lands each tier on its dashboard", () => {
    expect(defaultDashboardFor("commune").id).toBe("commune");
    expect(defaultDashboardFor("district").id).toBe("district");
    expect(defaultDashboardFor("department").id).toBe("sector");
    expect(defaultDashboardFor("province").id).toBe("province");
  });

  it("sector dashboard lists the chosen domain's indicators", () => {
    const d = getDashboard("sector")!;
    const ids = panelsFor(d, ctx()).map((p) => p.id);
    expect(ids).toEqual(["sector-map", "by-district-poverty-rate", "by-district-hh-poor", "sector-trend"]);
    const infra = panelsFor(d, ctx({ domain: "infrastructure" })).map((p) => p.id);
    expect(infra).toContain("by-district-grid-rate");
  });
});

describe("filter state in the URL", () => {
  it("parses, drops bad values and round-trips", () => {
    const { state, dropped } = parseFilterState(new URLSearchParams("period=2024&unit=12&eth=02&domain=poverty"));
    expect(state).toEqual({ period: "2024", unit: 12, eth: "02", domain: "poverty" });
    expect(filterStateToSearch(state)).toBe("?period=2024&unit=12&eth=02&domain=poverty");
    const bad = parseFilterState(new URLSearchParams("period=1;drop&unit=-3&eth=Kinh&domain=x"));
    expect(bad.state).toEqual({ period: null, unit: null, eth: null, domain: null });
    expect(bad.dropped.sort()).toEqual(["domain", "eth", "period", "unit"]);
  });

  it("defaults to the latest yearly period; trends use the same period type", () => {
    expect(resolvePeriod(periods, null)?.code).toBe("2024");
    expect(resolvePeriod(periods, "2024-Q3")?.code).toBe("2024-Q3");
    expect(resolvePeriod(periods, "1999")?.code).toBe("2024");
    // an open (still being reported) year is not the default when a final one exists
    const withStatus = [...periods.map((p) => ({ ...p, status: "locked" })), { code: "2025", type: "year", year: 2025, label: "Năm 2025", startDate: "2025-01-01", isDemo: false, status: "open" }];
    expect(resolvePeriod(withStatus, null)?.code).toBe("2024");
    expect(resolvePeriod(withStatus, "2025")?.code).toBe("2025");
    expect(trendPeriods(periods, resolvePeriod(periods, "2024"))).toEqual(["2022", "2023", "2024"]);
    expect(trendPeriods(periods, resolvePeriod(periods, "2023"))).toEqual(["2022", "2023"]);
  });

  it("ethnicity filter applies only to panels whose indicators are split by ethnicity", () => {
    const d = getDashboard("province")!;
    const c = ctx({ eth: "02" });
    const byDistrict = panelsFor(d, c).find((p) => p.id === "poverty-by-district")!.query(c)!;
    expect(byDistrict.source === "indicators" && byDistrict.query.filters?.ethnicities).toEqual(["02"]);
    const infra = panelsFor(d, c).find((p) => p.id === "infrastructure")!.query(c)!;
    expect(infra.source === "indicators" && infra.query.filters?.ethnicities).toBeUndefined();
  });
});
