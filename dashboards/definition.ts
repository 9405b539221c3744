import { z } from "zod";
import { chartSpecSchema, type ChartSpec } from "./charts/spec.ts";
import type { CompletenessQuery, CompletenessRow, IndicatorQuery, IndicatorRow } from "../warehouse/query/types.ts";
import type { Row } from "./table.ts";
import type { DashboardContext } from "./context.ts";

/**
 * A dashboard is typed code: a title, the filters it offers and its panels.
 * Each panel is a warehouse query (built from the filter state, run by the
 * query layer with the caller's scope) plus a chart spec for the builders.
 * Definitions are validated when loaded (defineDashboard) so a typo fails at
 * start-up, not in front of a leader.
 */
export const FILTERS = ["period", "unit", "ethnicity", "domain"] as const;
export type FilterName = (typeof FILTERS)[number];

export type PanelQuery =
  | { source: "indicators"; query: IndicatorQuery }
  | { source: "completeness"; query: CompletenessQuery };

export type PanelRows = IndicatorRow[] | CompletenessRow[];

const fn = <T>(what: string) => z.custom<T>((v) => typeof v === "function", { message: `${what} phải là một hàm` });

export const panelSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/, "id: chữ thường, số, gạch ngang"),
  title: z.string().min(3),
  description: z.string().optional(),
  width: z.enum(["half", "full"]).default("half"),
  height: z.number().int().min(160).max(1200).default(340),
  /** Indicator domain shown by the panel (for the domain filter); null = always shown. */
  domain: z.string().nullable().default(null),
  /** Query from the filter state. Returning null skips the panel (e.g. no unit chosen). */
  query: fn<(ctx: DashboardContext) => PanelQuery | null>("query"),
  /** Query-layer rows → chart rows (default: the rows as they are). */
  rows: fn<(rows: PanelRows, ctx: DashboardContext) => Row[]>("rows").optional(),
  chart: chartSpecSchema,
  /** Header for the fields the chart uses, and the value's label/unit. */
  labels: z.record(z.string(), z.string()).default({}),
  valueLabel: z.string().optional(),
  unit: z.string().optional(),
});

export const dashboardSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string().min(3),
  description: z.string().optional(),
  /** Which tiers this dashboard is meant for (navigation and defaults). */
  tiers: z.array(z.enum(["province", "department", "district", "commune"])).min(1),
  filters: z.array(z.enum(FILTERS)).default(["period", "unit", "ethnicity", "domain"]),
  /** Unit tier the unit filter offers (district dashboard: districts). */
  unitTier: z.enum(["province", "district", "commune", "any"]).default("any"),
  /** Static panels, or a function of the context (the sector dashboard lists its domain's indicators). */
  panels: z.union([z.array(panelSchema), fn<(ctx: DashboardContext) => PanelInput[]>("panels")]),
});

export type PanelInput = z.input<typeof panelSchema>;
export type Panel = z.output<typeof panelSchema>;
export type DashboardInput = z.input<typeof dashboardSchema>;
export type Dashboard = z.output<typeof dashboardSchema>;
export type { ChartSpec };

export class DefinitionError extends Error {
  override name = "DefinitionError";
}

function explain(id: string, e: z.ZodError): DefinitionError {
  const lines = e.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
  return new DefinitionError(`Bảng điều khiển "${id}" không hợp lệ:\n${lines.join("\n")}`);
}

/** Validate a definition (throws DefinitionError naming every bad field). */
export function defineDashboard(input: DashboardInput): Dashboard {
  const id = String((input as { id?: unknown }).id ?? "?");
  const r = dashboardSchema.safeParse(input);
  // Static panels are checked one by one so every bad field is named (a union only says "invalid").
  if (Array.isArray(input.panels)) {
    const p = z.array(panelSchema).min(1).safeParse(input.panels);
    const issues = [...(r.success ? [] : r.error.issues.filter((i) => i.path[0] !== "panels")), ...(p.success ? [] : p.error.issues.map((i) => ({ ...i, path: ["panels", ...i.path] })))];
    if (issues.length) throw explain(id, new z.ZodError(issues as z.core.$ZodIssue[]));
  }
  if (!r.success) throw explain(id, r.error);
  if (Array.isArray(r.data.panels)) {
    const ids = r.data.panels.map((p) => p.id);
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup) throw new DefinitionError(`Bảng điều khiển "${r.data.id}": hai ô trùng id "${dup}"`);
  }
  return r.data;
}

/** The panels for a context (dynamic panels are validated each time they are produced). */
export function panelsFor(d: Dashboard, ctx: DashboardContext): Panel[] {
  if (Array.isArray(d.panels)) return d.panels as Panel[];
  return (d.panels as (ctx: DashboardContext) => PanelInput[])(ctx).map((p, i) => {
    const r = panelSchema.safeParse(p);
    if (!r.success) throw explain(`${d.id}#${i}`, r.error);
    return r.data;
  });
}
