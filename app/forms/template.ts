import { z } from "zod";

/**
 * A form template is data, not code: sections of rows, each row one indicator
 * of the catalogue with its breakdown (total only, by ethnicity, or by
 * ethnicity × sex), plus cross-field rules. This schema is the contract
 * between the catalogue UI, data entry, bulk import and the ETL.
 *
 * Cells: ethnicity "00" = all groups (the row total); sex "T" = both sexes.
 *   total          → (00,T)
 *   ethnicity      → (00,T) entered, (g,T) per group entered
 *   ethnicity_sex  → (00,M),(00,F) and (g,M),(g,F) entered; every T = M + F derived
 */
export const BREAKDOWNS = ["total", "ethnicity", "ethnicity_sex"] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];
export const ALL_ETHNICITIES = "00";

const code = z.string().regex(/^[A-Z0-9_]{2,40}$/, "mã chỉ tiêu chỉ gồm chữ in hoa, số và _ / indicator code: A-Z, 0-9, _");

export const templateRowSchema = z.object({
  indicator: code,
  label_vi: z.string().min(1).max(300).optional(),
  label_en: z.string().min(1).max(300).optional(),
  breakdown: z.enum(BREAKDOWNS).default("total"),
  required: z.boolean().default(true),
  min: z.number().finite().optional(),
  max: z.number().finite().optional(),
  note_vi: z.string().max(500).optional(),
});

export const templateSectionSchema = z.object({
  id: z.string().regex(/^[a-z0-9_-]{1,40}$/),
  title_vi: z.string().min(1).max(300),
  title_en: z.string().min(1).max(300),
  rows: z.array(templateRowSchema).min(1).max(200),
});

export const templateRuleSchema = z.discriminatedUnion("type", [
  // left ≤ right, cell by cell (same ethnicity and sex), e.g. poor households ≤ households
  z.object({
    type: z.literal("lte"),
    left: code,
    right: code,
    message_vi: z.string().max(300).optional(),
    message_en: z.string().max(300).optional(),
  }),
  // the by-ethnicity cells of an indicator add up to its total row
  z.object({
    type: z.literal("sum_equals_total"),
    indicator: code,
    message_vi: z.string().max(300).optional(),
    message_en: z.string().max(300).optional(),
  }),
]);

export const templateDefinitionSchema = z
  .object({
    code: z.string().regex(/^[A-Z0-9-]{2,30}$/, "mã biểu mẫu: chữ in hoa, số, dấu - / form code: A-Z, 0-9, -"),
    title_vi: z.string().min(3).max(300),
    title_en: z.string().min(3).max(300),
    description_vi: z.string().max(2000).optional(),
    description_en: z.string().max(2000).optional(),
    /** Tiers that fill this form by default when it is assigned to a period. */
    tiers: z.array(z.enum(["commune", "district", "department"])).min(1),
    /** Who approves: the submitting unit's parent (commune → district, district/department → province) or a fixed unit code. */
    approval: z
      .union([z.object({ chain: z.literal("parent") }), z.object({ unit_code: z.string().min(1) })])
      .default({ chain: "parent" }),
    sections: z.array(templateSectionSchema).min(1).max(50),
    rules: z.array(templateRuleSchema).max(200).default([]),
  })
  .superRefine((def, ctx) => {
    const seen = new Set<string>();
    def.sections.forEach((s, si) =>
      s.rows.forEach((r, ri) => {
        if (seen.has(r.indicator))
          ctx.addIssue({ code: "custom", path: ["sections", si, "rows", ri, "indicator"], message: `chỉ tiêu ${r.indicator} xuất hiện hai lần / appears twice` });
        seen.add(r.indicator);
        if (r.min !== undefined && r.max !== undefined && r.min > r.max)
          ctx.addIssue({ code: "custom", path: ["sections", si, "rows", ri, "min"], message: "min > max" });
      }),
    );
    def.rules.forEach((rule, i) => {
      const refs = rule.type === "lte" ? [rule.left, rule.right] : [rule.indicator];
      for (const r of refs)
        if (!seen.has(r))
          ctx.addIssue({ code: "custom", path: ["rules", i], message: `quy tắc tham chiếu chỉ tiêu ${r} không có trong biểu / rule refers to ${r}, not in the form` });
    });
  });

export type TemplateDefinition = z.infer<typeof templateDefinitionSchema>;
export type TemplateRow = z.infer<typeof templateRowSchema>;
export type TemplateRule = z.infer<typeof templateRuleSchema>;

/** What the catalogue must say about an indicator for a template to use it. */
export interface CatalogueIndicator {
  code: string;
  aggregation: "sum" | "ratio";
  disaggregation: "none" | "ethnicity" | "ethnicity_sex";
  value_type: "integer" | "decimal";
}

export interface TemplateIssue {
  path: string;
  message: string;
}

const allowedBreakdowns: Record<CatalogueIndicator["disaggregation"], Breakdown[]> = {
  none: ["total"],
  ethnicity: ["total", "ethnicity"],
  ethnicity_sex: ["total", "ethnicity", "ethnicity_sex"],
};

/** Parse and check a template against the indicator catalogue; every problem is listed with its path. */
export function validateTemplate(
  input: unknown,
  catalogue: Map<string, CatalogueIndicator>,
): { ok: true; definition: TemplateDefinition } | { ok: false; issues: TemplateIssue[] } {
  const parsed = templateDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) };
  }
  const issues: TemplateIssue[] = [];
  parsed.data.sections.forEach((s, si) =>
    s.rows.forEach((r, ri) => {
      const path = `sections.${si}.rows.${ri}.indicator`;
      const ind = catalogue.get(r.indicator);
      if (!ind) issues.push({ path, message: `không có chỉ tiêu ${r.indicator} trong danh mục / unknown indicator` });
      else if (ind.aggregation !== "sum")
        issues.push({ path, message: `${r.indicator} là chỉ tiêu tỷ lệ, được tính tự động, không nhập / ratio indicators are computed, not entered` });
      else if (!allowedBreakdowns[ind.disaggregation].includes(r.breakdown))
        issues.push({ path, message: `${r.indicator} không phân tổ theo "${r.breakdown}" / breakdown not allowed for this indicator` });
    }),
  );
  return issues.length ? { ok: false, issues } : { ok: true, definition: parsed.data };
}

export function templateRows(def: TemplateDefinition): TemplateRow[] {
  return def.sections.flatMap((s) => s.rows);
}
