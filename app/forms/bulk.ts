import type { TemplateDefinition } from "./template.ts";
import { cellKey, enteredSexes, hasEthnicGroups, type CellRef } from "./cells.ts";
import type { CellError } from "./messages.ts";

/**
 * Bulk entry (XLSX and CSV) shares one layout: per template row, one line for
 * the total and one per ethnic group, with columns Tổng (T), Nam (M), Nữ (F).
 * Errors from the entry checks are mapped back to where the user typed them.
 */
export interface BulkLine {
  indicator: string;
  label_vi: string;
  unit_vi: string;
  ethnicity: string;
  ethnicity_vi: string;
  sexes: ("T" | "M" | "F")[];
}

export interface BulkSection {
  title_vi: string;
  lines: BulkLine[];
}

export interface Location {
  sheet: string;
  cell: string;
}

export interface BulkError {
  sheet: string;
  cell: string;
  vi: string;
  en: string;
}

export function bulkLayout(
  def: TemplateDefinition,
  indicators: ReadonlyMap<string, { name_vi: string; unit_vi?: string }>,
  ethnicities: readonly { code: string; name_vi: string }[],
): BulkSection[] {
  return def.sections.map((s) => ({
    title_vi: s.title_vi,
    lines: s.rows.flatMap((r) => {
      const ind = indicators.get(r.indicator);
      const base = { indicator: r.indicator, label_vi: r.label_vi ?? ind?.name_vi ?? r.indicator, unit_vi: ind?.unit_vi ?? "", sexes: enteredSexes(r.breakdown) };
      const lines: BulkLine[] = [{ ...base, ethnicity: "00", ethnicity_vi: "Tổng số (các dân tộc)" }];
      if (hasEthnicGroups(r.breakdown)) for (const e of ethnicities) if (e.code !== "00") lines.push({ ...base, ethnicity: e.code, ethnicity_vi: e.name_vi });
      return lines;
    }),
  }));
}

export function lineCells(l: BulkLine): CellRef[] {
  return l.sexes.map((sex) => ({ indicator: l.indicator, ethnicity: l.ethnicity, sex }));
}

/** Entry errors (keyed by cell) → (sheet, cell, message); cells not from the file keep their key. */
export function locateErrors(errors: CellError[], where: ReadonlyMap<string, Location>): BulkError[] {
  return errors.map((e) => {
    const loc = where.get(e.cell);
    return { sheet: loc?.sheet ?? "", cell: loc?.cell ?? e.cell, vi: e.vi, en: e.en };
  });
}

export const keyOf = cellKey;
