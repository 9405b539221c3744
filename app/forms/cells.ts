import { ALL_ETHNICITIES, type Breakdown, type TemplateDefinition, type TemplateRow } from "./template.ts";

/**
 * The cell model of a form: one cell = (indicator, ethnicity, sex), stored as
 * one submission_values row. Keys look like "POP:02:M" and are used as the
 * HTML input names (prefixed), the XLSX/CSV coordinates and the error keys.
 */
export type Sex = "T" | "M" | "F";
export interface CellRef {
  indicator: string;
  ethnicity: string;
  sex: Sex;
}

export const cellKey = (c: CellRef): string => `${c.indicator}:${c.ethnicity}:${c.sex}`;

export function parseCellKey(key: string): CellRef | null {
  const m = /^([A-Z0-9_]{2,40}):(\d{2}):([TMF])$/.exec(key);
  return m ? { indicator: m[1], ethnicity: m[2], sex: m[3] as Sex } : null;
}

/** The sexes a user types for a breakdown (for ethnicity_sex the T cells are derived M + F). */
export function enteredSexes(b: Breakdown): Sex[] {
  return b === "ethnicity_sex" ? ["M", "F"] : ["T"];
}

export function hasEthnicGroups(b: Breakdown): boolean {
  return b !== "total";
}

/** Cells a user types for one row, given the ethnic groups shown. */
export function enteredCells(row: TemplateRow, groups: readonly string[]): CellRef[] {
  const eths = hasEthnicGroups(row.breakdown) ? [ALL_ETHNICITIES, ...groups.filter((g) => g !== ALL_ETHNICITIES)] : [ALL_ETHNICITIES];
  return eths.flatMap((ethnicity) => enteredSexes(row.breakdown).map((sex) => ({ indicator: row.indicator, ethnicity, sex })));
}

/** Rows by indicator code. */
export function rowIndex(def: TemplateDefinition): Map<string, TemplateRow> {
  return new Map(def.sections.flatMap((s) => s.rows).map((r) => [r.indicator, r]));
}

/** Is this cell one the user may type into on this form? */
export function isEnterable(def: TemplateDefinition, c: CellRef, ethnicityCodes: ReadonlySet<string>): boolean {
  const row = rowIndex(def).get(c.indicator);
  if (!row) return false;
  if (!enteredSexes(row.breakdown).includes(c.sex)) return false;
  if (c.ethnicity === ALL_ETHNICITIES) return true;
  return hasEthnicGroups(row.breakdown) && ethnicityCodes.has(c.ethnicity);
}

/**
 * Cells stored for a submission: the entered ones plus, for ethnicity × sex
 * rows, T = M + F per ethnicity (null when neither is given).
 */
export function withDerived(def: TemplateDefinition, values: ReadonlyMap<string, number | null>): Map<string, number | null> {
  const out = new Map(values);
  const rows = rowIndex(def);
  const seen = new Set<string>();
  for (const key of values.keys()) {
    const c = parseCellKey(key);
    if (!c || c.sex === "T") continue;
    const row = rows.get(c.indicator);
    if (row?.breakdown !== "ethnicity_sex") continue;
    const t = cellKey({ ...c, sex: "T" });
    if (seen.has(t)) continue;
    seen.add(t);
    const m = values.get(cellKey({ ...c, sex: "M" })) ?? null;
    const f = values.get(cellKey({ ...c, sex: "F" })) ?? null;
    out.set(t, m === null && f === null ? null : (m ?? 0) + (f ?? 0));
  }
  return out;
}

/** Ethnic groups that carry any value in a set of cells (for "groups present in the unit"). */
export function groupsWithValues(values: Iterable<[string, number | null]>, nonZeroOnly = true): string[] {
  const g = new Set<string>();
  for (const [k, v] of values) {
    const c = parseCellKey(k);
    if (!c || c.ethnicity === ALL_ETHNICITIES || v === null) continue;
    if (nonZeroOnly && v === 0) continue;
    g.add(c.ethnicity);
  }
  return [...g].sort();
}
