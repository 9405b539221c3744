import { z } from "zod";

/**
 * What a panel draws, as data (validated with the dashboard definition).
 * Field names refer to columns of the rows the panel's query returns.
 */
const field = z.string().min(1);
const base = { value: field.default("value"), digits: z.number().int().min(0).max(6).default(1) };

export const chartSpecSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("bar"), category: field, ...base, horizontal: z.boolean().default(false), sort: z.enum(["none", "asc", "desc"]).default("none") }),
  z.object({ kind: z.literal("stackedBar"), category: field, series: field, ...base, horizontal: z.boolean().default(false), percent: z.boolean().default(false) }),
  z.object({ kind: z.literal("line"), x: field, series: field.optional(), ...base }),
  z.object({ kind: z.literal("pie"), category: field, ...base, donut: z.boolean().default(true), top: z.number().int().min(2).max(30).default(8) }),
  z.object({ kind: z.literal("heatmap"), x: field, y: field, ...base }),
  z.object({ kind: z.literal("ranking"), label: field, ...base, order: z.enum(["asc", "desc"]).default("desc"), limit: z.number().int().min(1).max(500).default(200) }),
  z.object({ kind: z.literal("kpi"), label: field.default("indicatorName"), period: field.default("period"), unitField: field.default("unitOfMeasure"), ...base }),
  z.object({
    kind: z.literal("table"),
    ...base,
    columns: z.array(z.object({ field, label: z.string(), type: z.enum(["string", "integer", "number"]).default("string"), digits: z.number().int().min(0).max(6).default(1) })).min(1),
  }),
  z.object({ kind: z.literal("choropleth"), code: field, name: field, ...base, map: z.enum(["cao_bang_districts"]).default("cao_bang_districts") }),
]);

export type ChartSpec = z.output<typeof chartSpecSchema>;
export type ChartSpecInput = z.input<typeof chartSpecSchema>;
export type ChartKind = ChartSpec["kind"];
