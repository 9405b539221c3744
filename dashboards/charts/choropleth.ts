import type { ChartSpec } from "./spec.ts";
import type { BuiltChart } from "./result.ts";
import { num, type ChartContext } from "./context.ts";
import { fmtValue } from "./format.ts";
import type { Row } from "../table.ts";

type MapSpec = Extract<ChartSpec, { kind: "choropleth" }>;

/**
 * A choropleth of an indicator by district ("Atlas"). Features are matched by
 * GSO district code (the map is registered with nameProperty "code"); units
 * without a feature stay in the table.
 */
export function choroplethChart(spec: MapSpec, rows: readonly Row[], ctx: ChartContext): BuiltChart {
  const items = rows.map((r) => ({ code: String(r[spec.code] ?? ""), unitName: String(r[spec.name] ?? ""), value: num(r[spec.value]) }));
  const vals = items.map((i) => i.value).filter((v): v is number => v !== null);
  const min = vals.length ? Math.min(...vals) : 0;
  const max = vals.length ? Math.max(...vals) : 1;
  const option = {
    animation: false,
    tooltip: { trigger: "item" },
    visualMap: {
      type: "continuous",
      min,
      max: max > min ? max : min + 1,
      left: 10,
      bottom: 10,
      text: [
        `${ctx.lang === "en" ? "High" : "Cao"}: ${fmtValue(vals.length ? max : null, ctx.unit, ctx.lang, spec.digits)}`,
        `${ctx.lang === "en" ? "Low" : "Thấp"}: ${fmtValue(vals.length ? min : null, ctx.unit, ctx.lang, spec.digits)}`,
      ],
      calculable: false,
      inRange: { color: ["#fff5eb", "#fdae6b", "#e6550d", "#7f2704"] },
    },
    series: [
      {
        type: "map",
        map: spec.map,
        nameProperty: "code",
        name: ctx.valueLabel,
        roam: false,
        label: { show: false },
        itemStyle: { borderColor: "#555", borderWidth: 0.8, areaColor: "#eeeeee" },
        data: items.filter((i) => i.code).map((i) => ({ name: i.code, value: i.value, unitName: i.unitName })),
      },
    ],
  };
  return {
    option: items.length ? option : null,
    table: {
      columns: [
        { key: "code", label: ctx.lang === "en" ? "GSO code" : "Mã ĐVHC", type: "string" },
        { key: "name", label: ctx.lang === "en" ? "Unit" : "Đơn vị", type: "string" },
        { key: "value", label: ctx.valueLabel, type: "number", unit: ctx.unit, digits: spec.digits },
      ],
      rows: items.map((i) => ({ code: i.code, name: i.unitName, value: i.value })),
    },
    meta: { kind: "choropleth", unit: ctx.unit, digits: spec.digits },
  };
}
