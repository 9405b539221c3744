import { defineDashboard } from "../definition.ts";
import type { CompletenessRow } from "../../warehouse/query/types.ts";
import type { DashboardContext } from "../context.ts";
import { completenessBy, statusLong } from "./helpers.ts";

const q = (ctx: DashboardContext, level: "district" | "province") => ({
  source: "completeness" as const,
  query: { periods: ctx.period ? [ctx.period.code] : [], unitLevel: level, unitIds: [ctx.unitId] },
});
const byDistrict = (rows: unknown) => completenessBy(rows as CompletenessRow[], (r) => r.unitName ?? "–");
const byForm = (rows: unknown) => completenessBy(rows as CompletenessRow[], (r) => r.formCode);

/** Tiến độ báo cáo: on-time and approval rates by district and form. */
export const completenessDashboard = defineDashboard({
  id: "completeness",
  title: "Tiến độ và chất lượng báo cáo",
  description: "Tỷ lệ báo cáo được phê duyệt và nộp đúng hạn, theo huyện và theo biểu mẫu.",
  tiers: ["province", "district", "department"],
  filters: ["period", "unit"],
  unitTier: "any",
  panels: [
    {
      id: "approved-by-district",
      title: "Tỷ lệ báo cáo đã phê duyệt theo huyện",
      query: (ctx) => q(ctx, "district"),
      rows: byDistrict,
      chart: { kind: "bar", category: "key", value: "approvedPct", sort: "desc", digits: 1 },
      labels: { key: "Huyện/Thành phố" },
      valueLabel: "Đã phê duyệt",
      unit: "%",
    },
    {
      id: "ontime-by-district",
      title: "Tỷ lệ nộp đúng hạn theo huyện",
      query: (ctx) => q(ctx, "district"),
      rows: byDistrict,
      chart: { kind: "bar", category: "key", value: "onTimePct", sort: "desc", digits: 1 },
      labels: { key: "Huyện/Thành phố" },
      valueLabel: "Đúng hạn",
      unit: "%",
    },
    {
      id: "status-by-district",
      title: "Tình trạng báo cáo theo huyện",
      width: "full",
      query: (ctx) => q(ctx, "district"),
      rows: (rows) => statusLong(byDistrict(rows)),
      chart: { kind: "stackedBar", category: "key", series: "status", value: "count", digits: 0 },
      labels: { key: "Huyện/Thành phố" },
      valueLabel: "Số báo cáo",
      unit: "Báo cáo",
    },
    {
      id: "approved-by-form",
      title: "Tỷ lệ phê duyệt và đúng hạn theo biểu mẫu",
      query: (ctx) => q(ctx, "province"),
      rows: (rows) =>
        byForm(rows).flatMap((r) => [
          { form: r.key, measure: "Đã phê duyệt", pct: r.approvedPct },
          { form: r.key, measure: "Đúng hạn", pct: r.onTimePct },
        ]),
      chart: { kind: "heatmap", x: "measure", y: "form", value: "pct", digits: 1 },
      labels: { form: "Biểu mẫu", measure: "Chỉ số" },
      valueLabel: "Tỷ lệ",
      unit: "%",
    },
    {
      id: "district-form-heatmap",
      title: "Tỷ lệ phê duyệt: huyện × biểu mẫu",
      query: (ctx) => q(ctx, "district"),
      rows: (rows) => (rows as CompletenessRow[]).map((r) => ({ unitName: r.unitName, formCode: r.formCode, approvedPct: r.approvedPct })),
      chart: { kind: "heatmap", x: "formCode", y: "unitName", value: "approvedPct", digits: 0 },
      labels: { unitName: "Huyện", formCode: "Biểu mẫu" },
      valueLabel: "Đã phê duyệt",
      unit: "%",
    },
  ],
});
