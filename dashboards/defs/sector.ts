import { defineDashboard, type PanelInput } from "../definition.ts";
import type { DashboardContext } from "../context.ts";
import { asRows, baseFilters, ethFilter } from "./helpers.ts";

export const DOMAIN_LABELS: Record<string, string> = {
  population: "Dân số",
  poverty: "Giảm nghèo",
  infrastructure: "Hạ tầng",
  education: "Giáo dục",
  health: "Y tế, xã hội",
  policy: "Chính sách dân tộc",
};

/** The domain shown: the filter's, else the viewing department's first sector, else poverty. */
export function sectorDomain(ctx: DashboardContext): string {
  return ctx.filters.domain ?? ctx.sectorDomains[0] ?? "poverty";
}

function panels(ctx: DashboardContext): PanelInput[] {
  const domain = sectorDomain(ctx);
  const inds = ctx.indicators.filter((i) => i.domain === domain);
  const ratios = inds.filter((i) => i.aggregation === "ratio");
  const counts = inds.filter((i) => i.aggregation === "sum").slice(0, 4);
  const out: PanelInput[] = [];
  const main = ratios[0] ?? counts[0];
  if (main) {
    out.push({
      id: "sector-map",
      title: `Bản đồ: ${main.name} theo huyện`,
      domain,
      height: 420,
      query: (c) => ({ source: "indicators", query: { indicators: [main.code], groupBy: ["unit"], unitLevel: "district", filters: { ...baseFilters(c), ...ethFilter(c, [main.code]) } } }),
      rows: asRows,
      chart: { kind: "choropleth", code: "unitCode", name: "unitName", digits: 2 },
      valueLabel: main.name,
      unit: main.unit,
    });
  }
  for (const ind of [...ratios, ...counts].slice(0, 6)) {
    out.push({
      id: `by-district-${ind.code.toLowerCase().replace(/_/g, "-")}`,
      title: `${ind.name} theo huyện`,
      domain,
      query: (c) => ({ source: "indicators", query: { indicators: [ind.code], groupBy: ["unit"], unitLevel: "district", filters: { ...baseFilters(c), ...ethFilter(c, [ind.code]) } } }),
      rows: asRows,
      chart: { kind: "bar", category: "unitName", sort: "desc", digits: ind.aggregation === "ratio" ? 2 : 0 },
      labels: { unitName: "Huyện/Thành phố" },
      valueLabel: ind.name,
      unit: ind.unit,
    });
  }
  if (ratios.length) {
    out.push({
      id: "sector-trend",
      title: `Xu hướng các tỷ lệ lĩnh vực ${DOMAIN_LABELS[domain] ?? domain}`,
      domain,
      width: "full",
      query: (c) => ({ source: "indicators", query: { indicators: ratios.map((r) => r.code), groupBy: ["period"], filters: baseFilters(c, { trend: true }) } }),
      rows: asRows,
      chart: { kind: "line", x: "periodLabel", series: "indicatorName", digits: 2 },
      labels: { periodLabel: "Kỳ" },
      valueLabel: "Tỷ lệ",
      unit: "%",
    });
  }
  if (!out.length) {
    out.push({
      id: "sector-empty",
      title: "Không có chỉ tiêu cho lĩnh vực này",
      domain,
      query: () => null,
      chart: { kind: "table", columns: [{ field: "indicatorName", label: "Chỉ tiêu" }] },
    });
  }
  return out;
}

/** Sở, ngành: its sector's indicators province-wide. */
export const sectorDashboard = defineDashboard({
  id: "sector",
  title: "Bảng điều khiển theo lĩnh vực",
  description: "Các chỉ tiêu của một lĩnh vực (sở, ngành phụ trách) trên toàn tỉnh.",
  tiers: ["department", "province"],
  filters: ["period", "ethnicity", "domain"],
  unitTier: "province",
  panels,
});
