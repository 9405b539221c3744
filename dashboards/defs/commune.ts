import { defineDashboard } from "../definition.ts";
import { asRows, baseFilters, groupsOnly, inIndicatorOrder } from "./helpers.ts";

const PROFILE = [
  "POP", "HH", "AVG_HH_SIZE", "HH_POOR", "POVERTY_RATE", "HH_NEAR_POOR", "NEAR_POVERTY_RATE", "VILLAGES", "GRID_RATE", "PAVED_ROAD_RATE",
  "CLEAN_WATER_RATE", "PUPILS", "ILLITERACY_RATE", "CHILD_MARRIAGE_RATE", "HEALTH_STATION_STD",
];
const SEX: Record<string, string> = { M: "Nam", F: "Nữ", T: "Chung" };

/** Hồ sơ xã: one commune at a glance. */
export const communeProfile = defineDashboard({
  id: "commune",
  title: "Hồ sơ xã",
  description: "Các chỉ tiêu chính của một xã trong kỳ, cơ cấu dân tộc, giới tính và xu hướng.",
  tiers: ["commune", "district", "province"],
  filters: ["period", "unit"],
  unitTier: "commune",
  panels: [
    {
      id: "profile",
      title: "Các chỉ tiêu chính",
      height: 480,
      query: (ctx) => ({ source: "indicators", query: { indicators: PROFILE, filters: baseFilters(ctx) } }),
      rows: inIndicatorOrder(PROFILE),
      chart: {
        kind: "table",
        columns: [
          { field: "indicatorName", label: "Chỉ tiêu" },
          { field: "value", label: "Giá trị", type: "number", digits: 2 },
          { field: "unitOfMeasure", label: "Đơn vị tính" },
        ],
      },
      valueLabel: "Giá trị",
    },
    {
      id: "pop-by-ethnicity",
      title: "Cơ cấu dân số theo dân tộc",
      domain: "population",
      query: (ctx) => ({ source: "indicators", query: { indicators: ["POP"], groupBy: ["ethnicity"], filters: baseFilters(ctx) } }),
      rows: (rows) => groupsOnly(rows as never),
      chart: { kind: "pie", category: "ethnicityName", donut: true, digits: 0 },
      labels: { ethnicityName: "Dân tộc" },
      valueLabel: "Dân số",
      unit: "Người",
    },
    {
      id: "pop-by-sex",
      title: "Dân số theo giới tính",
      domain: "population",
      query: (ctx) => ({ source: "indicators", query: { indicators: ["POP"], groupBy: ["sex"], filters: { ...baseFilters(ctx), sex: ["M", "F"] } } }),
      rows: (rows) =>
        (rows as { sex?: string }[])
          .map((r) => ({ ...(r as object), sexName: SEX[r.sex ?? "T"] }))
          .sort((a, b) => (a.sexName === "Nam" ? -1 : b.sexName === "Nam" ? 1 : 0)) as never,
      chart: { kind: "bar", category: "sexName", digits: 0 },
      labels: { sexName: "Giới tính" },
      valueLabel: "Dân số",
      unit: "Người",
    },
    {
      id: "commune-trend",
      title: "Xu hướng tỷ lệ hộ nghèo của xã",
      domain: "poverty",
      query: (ctx) => ({ source: "indicators", query: { indicators: ["POVERTY_RATE", "NEAR_POVERTY_RATE"], groupBy: ["period"], filters: baseFilters(ctx, { trend: true }) } }),
      rows: asRows,
      chart: { kind: "line", x: "periodLabel", series: "indicatorName", digits: 2 },
      labels: { periodLabel: "Kỳ" },
      valueLabel: "Tỷ lệ",
      unit: "%",
    },
  ],
});
