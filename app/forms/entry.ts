import { z } from "zod";
import { ALL_ETHNICITIES, type TemplateDefinition } from "./template.ts";
import { cellKey, enteredSexes, hasEthnicGroups, isEnterable, parseCellKey, rowIndex, withDerived, type Sex } from "./cells.ts";
import { decimalPlaces, parseViNumber } from "./number.ts";
import { cellError, type CellError } from "./messages.ts";

/**
 * Entry checks built from a template. "draft" checks each typed cell on its
 * own (a number, of the right kind, inside min/max) so a partial form can be
 * saved; "submit" adds the form rules: required rows, the ethnic breakdown
 * adding up to the total, and left ≤ right comparisons. All errors are
 * collected (never only the first), keyed by cell.
 */
export interface IndicatorMeta {
  code: string;
  name_vi: string;
  name_en: string;
  unit_vi?: string;
  domain?: string;
  value_type: "integer" | "decimal";
  disaggregation: "none" | "ethnicity" | "ethnicity_sex";
  aggregation: "sum" | "ratio";
  min_value: number | null;
  max_value: number | null;
  plausible_min?: number | null;
  plausible_max?: number | null;
}

export interface EntryContext {
  definition: TemplateDefinition;
  indicators: ReadonlyMap<string, IndicatorMeta>;
  /** Valid ethnic group codes (01..54, 55, 99), without "00". */
  ethnicityCodes: ReadonlySet<string>;
}

export type EntryMode = "draft" | "submit";
export type RawEntry = Record<string, string | number | null | undefined>;
export type EntryResult = { ok: true; values: Map<string, number | null> } | { ok: false; errors: CellError[]; values: Map<string, number | null> };

const EPS = 1e-6;

function boundsFor(ctx: EntryContext, indicator: string) {
  const row = rowIndex(ctx.definition).get(indicator);
  const ind = ctx.indicators.get(indicator);
  const mins = [row?.min, ind?.min_value].filter((v): v is number => typeof v === "number");
  const maxs = [row?.max, ind?.max_value].filter((v): v is number => typeof v === "number");
  return { min: mins.length ? Math.max(...mins) : null, max: maxs.length ? Math.min(...maxs) : null, integer: ind?.value_type !== "decimal" };
}

/** Cell-level checks: parse and range. Returns the parsed values (bad cells left out). */
function checkCells(ctx: EntryContext, raw: RawEntry, errors: CellError[]): Map<string, number | null> {
  const values = new Map<string, number | null>();
  for (const [key, input] of Object.entries(raw)) {
    const c = parseCellKey(key);
    if (!c || !isEnterable(ctx.definition, c, ctx.ethnicityCodes)) {
      if (input !== undefined && input !== null && String(input).trim() !== "") errors.push(cellError(key, "unknown_cell"));
      continue;
    }
    const p = parseViNumber(input ?? null);
    if (!p.ok) {
      errors.push(cellError(key, p.code));
      continue;
    }
    const v = p.value;
    if (v === null) {
      values.set(key, null);
      continue;
    }
    const b = boundsFor(ctx, c.indicator);
    if (b.integer && !Number.isInteger(v)) errors.push(cellError(key, "not_integer"));
    else if (!b.integer && decimalPlaces(v) > 4) errors.push(cellError(key, "too_many_decimals"));
    else if (v < 0 && (b.min === null || b.min >= 0)) errors.push(cellError(key, "negative"));
    else if (b.min !== null && v < b.min) errors.push(cellError(key, "below_min", { min: b.min }));
    else if (b.max !== null && v > b.max) errors.push(cellError(key, "above_max", { max: b.max }));
    else values.set(key, v);
  }
  return values;
}

function checkRules(ctx: EntryContext, values: Map<string, number | null>, errors: CellError[]) {
  const def = ctx.definition;
  const failed = new Set(errors.map((e) => e.cell));
  const get = (indicator: string, ethnicity: string, sex: Sex) => values.get(cellKey({ indicator, ethnicity, sex })) ?? null;
  const groupsOf = (indicator: string, sex: Sex) => {
    const out: number[] = [];
    for (const [k, v] of values) {
      const c = parseCellKey(k);
      if (c && c.indicator === indicator && c.sex === sex && c.ethnicity !== ALL_ETHNICITIES && v !== null) out.push(v);
    }
    return out;
  };
  // required: the row's total cells
  for (const row of def.sections.flatMap((s) => s.rows)) {
    if (!row.required) continue;
    for (const sex of enteredSexes(row.breakdown)) {
      const key = cellKey({ indicator: row.indicator, ethnicity: ALL_ETHNICITIES, sex });
      if (get(row.indicator, ALL_ETHNICITIES, sex) === null && !failed.has(key)) errors.push(cellError(key, "required"));
    }
  }
  const rows = rowIndex(def);
  for (const rule of def.rules) {
    if (rule.type === "sum_equals_total") {
      const row = rows.get(rule.indicator);
      if (!row || !hasEthnicGroups(row.breakdown)) continue;
      for (const sex of enteredSexes(row.breakdown)) {
        const key = cellKey({ indicator: rule.indicator, ethnicity: ALL_ETHNICITIES, sex });
        if (failed.has(key)) continue;
        const total = get(rule.indicator, ALL_ETHNICITIES, sex);
        const parts = groupsOf(rule.indicator, sex);
        const override = { vi: rule.message_vi, en: rule.message_en };
        if (total === null && parts.length > 0) errors.push(cellError(key, "total_missing"));
        else if (total !== null && total !== 0 && parts.length === 0) errors.push(cellError(key, "breakdown_missing"));
        else if (total !== null && parts.length > 0) {
          const sum = parts.reduce((a, b) => a + b, 0);
          if (Math.abs(sum - total) > EPS) {
            const e = cellError(key, "sum_mismatch", { sum, total });
            errors.push(override.vi ? { ...e, vi: `${override.vi}: ${e.vi}`, en: `${override.en ?? override.vi}: ${e.en}` } : e);
          }
        }
      }
    } else {
      const derived = withDerived(def, values);
      const l = ctx.indicators.get(rule.left);
      const r = ctx.indicators.get(rule.right);
      for (const [key, left] of derived) {
        const c = parseCellKey(key);
        if (!c || c.indicator !== rule.left || left === null) continue;
        const right = derived.get(cellKey({ ...c, indicator: rule.right })) ?? null;
        if (right === null || left <= right + EPS) continue;
        // point at a typed cell: for a derived T cell of an M/F row, its M cell
        const leftRow = rows.get(rule.left);
        const target = leftRow && !enteredSexes(leftRow.breakdown).includes(c.sex) ? cellKey({ ...c, sex: "M" }) : key;
        errors.push(
          cellError(target, "lte", { left, right, leftVi: l?.name_vi ?? rule.left, rightVi: r?.name_vi ?? rule.right, leftEn: l?.name_en ?? rule.left, rightEn: r?.name_en ?? rule.right },
            rule.message_vi ? { vi: rule.message_vi, en: rule.message_en ?? rule.message_vi } : undefined),
        );
      }
    }
  }
}

/** The zod schema of one form's entry: raw typed cells in, parsed (and derived) values out. */
export function buildEntrySchema(ctx: EntryContext, mode: EntryMode) {
  return z.record(z.string(), z.union([z.string(), z.number(), z.null(), z.undefined()])).transform((raw, zctx) => {
    const errors: CellError[] = [];
    const values = checkCells(ctx, raw, errors);
    if (mode === "submit") checkRules(ctx, values, errors);
    for (const e of errors) zctx.addIssue({ code: "custom", path: [e.cell], message: e.vi, params: { code: e.code, en: e.en } });
    return withDerived(ctx.definition, values);
  });
}

/** Validate typed cells; on failure the values that did parse are returned too (nothing typed is dropped by the caller). */
export function validateEntry(ctx: EntryContext, raw: RawEntry, mode: EntryMode): EntryResult {
  const r = buildEntrySchema(ctx, mode).safeParse(raw);
  if (r.success) return { ok: true, values: r.data };
  const errors: CellError[] = r.error.issues.map((i) => {
    const params = (i as { params?: { code: CellError["code"]; en: string } }).params;
    return { cell: String(i.path[0] ?? ""), code: params?.code ?? "not_a_number", vi: i.message, en: params?.en ?? i.message };
  });
  const values = new Map<string, number | null>();
  for (const [k, v] of Object.entries(raw)) {
    const p = parseViNumber(v ?? null);
    if (p.ok) values.set(k, p.value);
  }
  return { ok: false, errors, values };
}
