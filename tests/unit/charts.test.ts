import { describe, expect, it } from "vitest";
import { buildChart } from "../../dashboards/charts/build.ts";
import { chartSpecSchema } from "../../dashboards/charts/spec.ts";
import { applyFormatters } from "../../dashboards/charts/formatters.ts";
import { fmtNumber, fmtValue, fmtCompact } from "../../dashboards/charts/format.ts";
import { renderSvg } from "../../dashboards/charts/render-svg.server.ts";

const ctx = { lang: "vi" as const, valueLabel: "Tỷ lệ hộ nghèo", unit: "%", labels: { unitName: "Huyện" } };
const rows = [
  { unitName: "Huyện Bảo Lâm", unitCode: "042", value: 30.5 },
  { unitName: "Thành phố Cao Bằng", unitCode: "040", value: 2.25 },
  { unitName: "Huyện Hà Quảng", unitCode: "045", value: null },
];

describe("vi-VN number formats", () => {
  it("uses dot thousands and comma decimals", () => {
    expect(fmtNumber(1234567.25, "vi", 2)).toBe("1.234.567,25");
    expect(fmtValue(12.5, "%", "vi", 1)).toBe("12,5 %");
    expect(fmtValue(null, "%")).toBe("–");
    expect(fmtCompact(3_400_000, "vi")).toBe("3,4 Tr");
    expect(fmtCompact(1_500, "vi")).toBe("1.500");
    expect(fmtNumber(1234.5, "en", 1)).toBe("1,234.5");
  });
});

describe("chart builders are pure (rows → option + table)", () => {
  it("bar: sorted categories, nulls kept in the table", () => {
    const c = buildChart(chartSpecSchema.parse({ kind: "bar", category: "unitName", sort: "desc" }), rows, ctx);
    const o = c.option as any;
    expect(o.xAxis.data).toEqual(["Huyện Bảo Lâm", "Thành phố Cao Bằng", "Huyện Hà Quảng"]);
    expect(o.series[0].data).toEqual([30.5, 2.25, null]);
    expect(c.table.columns.map((x) => x.label)).toEqual(["Huyện", "Tỷ lệ hộ nghèo"]);
    expect(c.table.rows[2]).toEqual({ category: "Huyện Hà Quảng", value: null });
    expect(JSON.parse(JSON.stringify(c.option))).toEqual(c.option); // JSON-safe for loader data
  });

  it("stacked bar: category × series matrix with totals", () => {
    const r = [
      { d: "A", e: "Tày", value: 10 },
      { d: "A", e: "Nùng", value: 5 },
      { d: "B", e: "Tày", value: 7 },
    ];
    const c = buildChart(chartSpecSchema.parse({ kind: "stackedBar", category: "d", series: "e" }), r, ctx);
    const o = c.option as any;
    expect(o.series.map((s: any) => s.name)).toEqual(["Tày", "Nùng"]);
    expect(o.series[1].data).toEqual([5, null]);
    expect(c.table.rows).toEqual([
      { category: "A", s0: 10, s1: 5, total: 15 },
      { category: "B", s0: 7, s1: null, total: 7 },
    ]);
    const pct = buildChart(chartSpecSchema.parse({ kind: "stackedBar", category: "d", series: "e", percent: true }), r, ctx);
    expect((pct.option as any).series[0].data[0]).toBeCloseTo(66.667, 2);
  });

  it("line: one series per indicator over periods in query order", () => {
    const r = [
      { p: "Năm 2023", i: "Nghèo", value: 20 },
      { p: "Năm 2024", i: "Nghèo", value: 18 },
      { p: "Năm 2024", i: "Cận nghèo", value: 9 },
    ];
    const c = buildChart(chartSpecSchema.parse({ kind: "line", x: "p", series: "i" }), r, ctx);
    expect((c.option as any).xAxis.data).toEqual(["Năm 2023", "Năm 2024"]);
    expect((c.option as any).series[1].data).toEqual([null, 9]);
  });

  it("pie: top N with the rest as Khác, shares in the table", () => {
    const r = ["A", "B", "C", "D"].map((n, i) => ({ n, value: 40 - i * 10 }));
    const c = buildChart(chartSpecSchema.parse({ kind: "pie", category: "n", top: 3 }), r, ctx);
    const data = (c.option as any).series[0].data;
    expect(data).toEqual([{ name: "A", value: 40 }, { name: "B", value: 30 }, { name: "Khác", value: 30 }]);
    expect(c.table.rows[0].share).toBe(40);
    expect(c.table.rows).toHaveLength(4);
  });

  it("heatmap: colour normalised per column, real values kept", () => {
    const r = [
      { x: "Nghèo", y: "Xã 1", value: 10 },
      { x: "Nghèo", y: "Xã 2", value: 30 },
      { x: "Điện", y: "Xã 1", value: 99 },
    ];
    const c = buildChart(chartSpecSchema.parse({ kind: "heatmap", x: "x", y: "y" }), r, ctx);
    const data = (c.option as any).series[0].data;
    expect(data).toContainEqual([0, 0, 0, 10]);
    expect(data).toContainEqual([0, 1, 1, 30]);
    expect(data).toContainEqual([1, 1, null, null]);
    expect(c.table.rows).toEqual([{ y: "Xã 1", x0: 10, x1: 99 }, { y: "Xã 2", x0: 30, x1: null }]);
  });

  it("ranking: ties share a rank, missing values last without rank", () => {
    const r = [
      { n: "Xã A", value: 5 },
      { n: "Xã B", value: 9 },
      { n: "Xã C", value: 5 },
      { n: "Xã D", value: null },
    ];
    const c = buildChart(chartSpecSchema.parse({ kind: "ranking", label: "n" }), r, ctx);
    expect(c.table.rows.map((x) => [x.rank, x.name])).toEqual([[1, "Xã B"], [2, "Xã A"], [2, "Xã C"], [null, "Xã D"]]);
  });

  it("choropleth: features keyed by GSO code", () => {
    const c = buildChart(chartSpecSchema.parse({ kind: "choropleth", code: "unitCode", name: "unitName" }), rows, ctx);
    const s = (c.option as any).series[0];
    expect(s.nameProperty).toBe("code");
    expect(s.data[0]).toEqual({ name: "042", value: 30.5, unitName: "Huyện Bảo Lâm" });
    expect((c.option as any).visualMap.min).toBe(2.25);
  });

  it("empty rows draw nothing but keep an (empty) table", () => {
    const c = buildChart(chartSpecSchema.parse({ kind: "bar", category: "unitName" }), [], ctx);
    expect(c.option).toBeNull();
    expect(c.table.rows).toEqual([]);
  });

  it("formatters show vi-VN numbers without mutating the option", () => {
    const c = buildChart(chartSpecSchema.parse({ kind: "bar", category: "unitName", digits: 2 }), rows, ctx);
    const o = applyFormatters(c.option!, c.meta, "vi") as any;
    expect(o.tooltip.valueFormatter(30.5)).toBe("30,5 %");
    expect(o.yAxis.axisLabel.formatter(12000)).toBe("12 N");
    expect((c.option as any).tooltip.valueFormatter).toBeUndefined();
  });
});

describe("server-side SVG", () => {
  it("renders a bar chart to SVG with Vietnamese labels", () => {
    const c = buildChart(chartSpecSchema.parse({ kind: "bar", category: "unitName" }), rows, ctx);
    const svg = renderSvg(c, { width: 500, height: 300 })!;
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("Huyện Bảo Lâm");
    expect(svg).toContain("30,5");
  });

  it("renders the district map offline from the bundled GeoJSON", () => {
    const c = buildChart(chartSpecSchema.parse({ kind: "choropleth", code: "unitCode", name: "unitName" }), rows, ctx);
    const svg = renderSvg(c, { width: 400, height: 400 })!;
    expect(svg).toContain("<path");
    expect(svg.length).toBeGreaterThan(10_000);
  });
});

describe("map simplification for display", () => {
  it("drops near-collinear points, keeps ends and at least a closed triangle", async () => {
    const { simplifyLine, simplifyGeometry } = await import("../../dashboards/maps/simplify.ts");
    const line: [number, number][] = [[0, 0], [1, 0.00001], [2, 0], [2, 2], [0, 2], [0, 0]];
    expect(simplifyLine(line, 0.001)).toEqual([[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]);
    const tiny: [number, number][] = [[0, 0], [0.00001, 0], [0, 0.00001], [0, 0]];
    expect(simplifyLine(tiny, 1)).toEqual(tiny);
    const g = simplifyGeometry({ type: "MultiPolygon", coordinates: [[line]] }, 0.001) as { coordinates: number[][][][] };
    expect(g.coordinates[0][0]).toHaveLength(5);
  });

  it("the bundled district map keeps all 10 districts, much lighter", async () => {
    const { loadMap } = await import("../../dashboards/maps/load.server.ts");
    const geo = loadMap("cao_bang_districts")!;
    expect(geo.features.map((f) => f.properties.code).sort()).toEqual(["040", "042", "043", "045", "047", "048", "049", "051", "052", "053"]);
    expect(JSON.stringify(geo).length).toBeLessThan(100_000);
  });
});

describe("headline figures", () => {
  it("latest value, previous value and change per indicator", () => {
    const rows = [
      { indicatorName: "Tỷ lệ hộ nghèo", unitOfMeasure: "%", period: "2023", value: 20 },
      { indicatorName: "Tỷ lệ hộ nghèo", unitOfMeasure: "%", period: "2024", value: 17.5 },
      { indicatorName: "Dân số", unitOfMeasure: "Người", period: "2024", value: 1000 },
    ];
    const c = buildChart(chartSpecSchema.parse({ kind: "kpi" }), rows, ctx);
    expect(c.option).toBeNull();
    expect(c.table.rows).toEqual([
      { name: "Tỷ lệ hộ nghèo", current: 17.5, previous: 20, change: -2.5, unit: "%" },
      { name: "Dân số", current: 1000, previous: null, change: null, unit: "Người" },
    ]);
  });
});
