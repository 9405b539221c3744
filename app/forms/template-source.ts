import { isMap, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { validateTemplate, templateRows, type CatalogueIndicator, type TemplateDefinition } from "./template.ts";

/**
 * A template uploaded as JSON or YAML text, checked with errors that point at
 * a line: syntax errors where the parser stopped, schema and catalogue errors
 * at the node their path names. JSON is read through the YAML parser (JSON is
 * YAML 1.2) so both get the same positions.
 */
export interface SourceIssue {
  line: number | null;
  path: string;
  message: string;
}

export type SourceResult = { ok: true; definition: TemplateDefinition } | { ok: false; issues: SourceIssue[] };

export const MAX_TEMPLATE_BYTES = 512 * 1024;

export function detectFormat(filename: string | null | undefined, text: string): "json" | "yaml" {
  if (filename && /\.ya?ml$/i.test(filename)) return "yaml";
  if (filename && /\.json$/i.test(filename)) return "json";
  return /^\s*[[{]/.test(text) ? "json" : "yaml";
}

/**
 * @param otherForms indicator codes used by every other form code in the
 *   catalogue: an indicator may belong to one form code only, so that facts
 *   are never counted twice.
 */
export function parseTemplateSource(
  text: string,
  catalogue: Map<string, CatalogueIndicator>,
  otherForms: Map<string, Set<string>> = new Map(),
  format: "json" | "yaml" = detectFormat(null, text),
): SourceResult {
  if (Buffer.byteLength(text, "utf8") > MAX_TEMPLATE_BYTES)
    return { ok: false, issues: [{ line: null, path: "", message: `Tệp quá lớn (tối đa ${MAX_TEMPLATE_BYTES / 1024} KB) / file too large` }] };
  const lc = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ""), { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const syntax = [...doc.errors];
  if (format === "json") {
    try {
      JSON.parse(text.replace(/^\uFEFF/, ""));
    } catch (e) {
      const m = /position (\d+)/.exec(String((e as Error).message));
      const line = m ? lc.linePos(Number(m[1])).line : null;
      if (!syntax.length) return { ok: false, issues: [{ line, path: "", message: `JSON không hợp lệ / invalid JSON: ${(e as Error).message}` }] };
    }
  }
  if (syntax.length)
    return {
      ok: false,
      issues: syntax.map((e) => ({ line: lc.linePos(e.pos[0]).line, path: "", message: `Lỗi cú pháp / syntax error: ${e.message.split("\n")[0]}` })),
    };
  const value = doc.toJS({ maxAliasCount: 50 });
  const lineOf = (path: string): number | null => {
    const parts = path === "" ? [] : path.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    // walk down as far as the path exists (a missing key points at its parent)
    for (let n = parts.length; n >= 0; n--) {
      const node = (n === 0 ? doc.contents : doc.getIn(parts.slice(0, n), true)) as Node | null | undefined;
      if (node && (node as Node).range) return lc.linePos((node as Node).range![0]).line;
      if (node && (isMap(node) || isSeq(node)) && node.range) return lc.linePos(node.range[0]).line;
    }
    return null;
  };
  const v = validateTemplate(value, catalogue);
  if (!v.ok) return { ok: false, issues: v.issues.map((i) => ({ ...i, line: lineOf(i.path) })).sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) };
  const issues: SourceIssue[] = [];
  v.definition.sections.forEach((s, si) =>
    s.rows.forEach((r, ri) => {
      for (const [code, inds] of otherForms) {
        if (code !== v.definition.code && inds.has(r.indicator)) {
          const path = `sections.${si}.rows.${ri}.indicator`;
          issues.push({ path, line: lineOf(path), message: `Chỉ tiêu ${r.indicator} đã thuộc biểu ${code}: một chỉ tiêu chỉ được thuộc một biểu để số liệu không bị tính hai lần / indicator already belongs to form ${code}` });
        }
      }
    }),
  );
  return issues.length ? { ok: false, issues } : { ok: true, definition: v.definition };
}

export function indicatorsOf(def: TemplateDefinition): Set<string> {
  return new Set(templateRows(def).map((r) => r.indicator));
}
