import { defineDashboard } from "../definition.ts";
import { asRows, baseFilters, ethFilter } from "./helpers.ts";

const HEAT = ["POVERTY_RATE", "NEAR_POVERTY_RATE", "GRID_RATE", "PAVED_ROAD_RATE", "CLEAN_WATER_RATE", "ILLITERACY_RATE", "CHILD_MARRIAGE_RATE"];

/** Huyện: its communes ranked and compared. */
export const districtDashboard = defineDashboard({
  id: "district",
  title: "Bảng điều khiển cấp huyện",
  description: "Các xã trong huyện: xếp hạng, so sánh và xu hướng.",
  tiers: ["district", "province", "department"],
  filters: ["period", "unit", "ethnicity", "domain"],
  unitTier: "district",
  panels: [
    {
      id: "commune-poverty-ranking",
      title: "Xếp hạng các xã theo tỷ lệ hộ nghèo",
      domain: "poverty",
      height: 520,
      query: (ctx) => ({
        source: "indicators",
        query: { indicators: ["POVERTY_RATE"], groupBy: ["unit"], unitLevel: "commune", orderBy: "value_desc", filters: { ...baseFilters(ctx), ...ethFilter(ctx, ["POVERTY_RATE"]) } },
      }),
      rows: asRows,
      chart: { kind: "ranking", label: "unitName", order: "desc", digits: 2 },
      labels: { unitName: "Xã/Phường/Thị trấn" },
      valueLabel: "Tỷ lệ hộ nghèo",
      unit: "%",
    },
    {
      id: "commune-poor-households",
      title: "Hộ nghèo và cận nghèo theo xã",
      domain: "poverty",
      height: 420,
      query: (ctx) => ({
        source: "indicators",
        query: { indicators: ["HH_POOR", "HH_NEAR_POOR"], groupBy: ["unit"], unitLevel: "commune", filters: { ...baseFilters(ctx), ...ethFilter(ctx, ["HH_POOR", "HH_NEAR_POOR"]) } },
      }),
      rows: asRows,
      chart: { kind: "stackedBar", category: "unitName", series: "indicatorName", digits: 0 },
      labels: { unitName: "Xã" },
      valueLabel: "Số hộ",
      unit: "Hộ",
    },
    {
      id: "commune-heatmap",
      title: "So sánh các xã theo chỉ tiêu (màu: vị trí trong khoảng thấp nhất – cao nhất)",
      width: "full",
      height: 560,
      query: (ctx) => ({ source: "indicators", query: { indicators: HEAT, groupBy: ["unit"], unitLevel: "commune", filters: baseFilters(ctx) } }),
      rows: asRows,
      chart: { kind: "heatmap", x: "indicatorName", y: "unitName", digits: 1 },
      labels: { unitName: "Xã", indicatorName: "Chỉ tiêu" },
      valueLabel: "Giá trị",
      unit: "%",
    },
    {
      id: "commune-population",
      title: "Dân số theo xã",
      domain: "population",
      height: 420,
      query: (ctx) => ({
        source: "indicators",
        query: { indicators: ["POP"], groupBy: ["unit"], unitLevel: "commune", filters: { ...baseFilters(ctx), ...ethFilter(ctx, ["POP"]) } },
      }),
      rows: asRows,
      chart: { kind: "bar", category: "unitName", horizontal: true, sort: "desc", digits: 0 },
      labels: { unitName: "Xã" },
      valueLabel: "Dân số",
      unit: "Người",
    },
    {
      id: "district-trend",
      title: "Xu hướng tỷ lệ hộ nghèo của huyện",
      domain: "poverty",
      query: (ctx) => ({
        source: "indicators",
        query: { indicators: ["POVERTY_RATE", "NEAR_POVERTY_RATE"], groupBy: ["period"], filters: { ...baseFilters(ctx, { trend: true }), ...ethFilter(ctx, ["POVERTY_RATE"]) } },
      }),
      rows: asRows,
      chart: { kind: "line", x: "periodLabel", series: "indicatorName", digits: 2 },
      labels: { periodLabel: "Kỳ" },
      valueLabel: "Tỷ lệ",
      unit: "%",
    },
  ],
});
