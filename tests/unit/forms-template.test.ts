import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseTemplateSource } from "../../app/forms/template-source.ts";
import { catalogue, form } from "./forms-fixtures.ts";

const good = {
  code: "BM09-THU",
  title_vi: "Biểu 09: Thử nghiệm",
  title_en: "Form 09: Trial",
  tiers: ["commune"],
  sections: [{ id: "a", title_vi: "A", title_en: "A", rows: [{ indicator: "EM_DEPUTIES", breakdown: "total" }] }],
};

describe("template upload (JSON and YAML) with line-numbered errors", () => {
  it("accepts a good template in JSON and in YAML, filling defaults", () => {
    for (const [text, fmt] of [[JSON.stringify(good, null, 2), "json"], [stringify(good), "yaml"]] as const) {
      const r = parseTemplateSource(text, catalogue, new Map(), fmt);
      expect(r.ok, JSON.stringify(r)).toBe(true);
      if (r.ok) {
        expect(r.definition.approval).toEqual({ chain: "parent" });
        expect(r.definition.sections[0].rows[0].required).toBe(true);
      }
    }
  });

  it("every seeded form passes as YAML", () => {
    for (const code of ["BM01-DANSO", "BM02-NGHEO", "BM03-HATANG", "BM04-CHINHSACH", "BM05-XAHOI"]) {
      expect(parseTemplateSource(stringify(form(code)), catalogue, new Map(), "yaml").ok).toBe(true);
    }
  });

  it("YAML syntax error names its line", () => {
    const text = "code: BM09-THU\ntitle_vi: Biểu\n  bad: [1,\n";
    const r = parseTemplateSource(text, catalogue, new Map(), "yaml");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0].line).toBeGreaterThanOrEqual(2);
  });

  it("JSON syntax error names its line", () => {
    const text = '{\n  "code": "BM09-THU",\n  "title_vi": "x"\n  "title_en": "y"\n}';
    const r = parseTemplateSource(text, catalogue, new Map(), "json");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0].line).toBe(4);
  });

  it("schema and catalogue errors point at the line of the offending node", () => {
    const bad = structuredClone(good) as any;
    bad.sections[0].rows.push({ indicator: "NOT_THERE", breakdown: "total" });
    bad.sections[0].rows.push({ indicator: "POVERTY_RATE", breakdown: "total" });
    bad.sections[0].rows.push({ indicator: "VILLAGES", breakdown: "ethnicity" });
    const text = JSON.stringify(bad, null, 2);
    const lines = text.split("\n");
    const lineOf = (s: string) => lines.findIndex((l) => l.includes(s)) + 1;
    const r = parseTemplateSource(text, catalogue, new Map(), "json");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues.map((i) => i.line)).toEqual([lineOf('"NOT_THERE"'), lineOf('"POVERTY_RATE"'), lineOf('"VILLAGES"')]);
      expect(r.issues[0].message).toContain("không có chỉ tiêu NOT_THERE");
      expect(r.issues[1].message).toContain("tỷ lệ");
    }
  });

  it("zod errors (bad code, empty sections, duplicate indicator, rule on a missing indicator) are listed together", () => {
    const yamlText = [
      "code: bm lower",               // 1
      "title_vi: Biểu thử",           // 2
      "title_en: Trial",              // 3
      "tiers: [commune]",             // 4
      "sections:",                    // 5
      "  - id: a",                    // 6
      "    title_vi: A",              // 7
      "    title_en: A",              // 8
      "    rows:",                    // 9
      "      - indicator: HH",        // 10
      "      - indicator: HH",        // 11
      "rules:",                       // 12
      "  - type: lte",                // 13
      "    left: HH",                 // 14
      "    right: POP",               // 15
    ].join("\n");
    const r = parseTemplateSource(yamlText, catalogue, new Map(), "yaml");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const byLine = r.issues.map((i) => i.line);
      expect(byLine).toContain(1);
      expect(byLine).toContain(11);
      expect(byLine).toContain(13);
    }
  });

  it("an indicator may belong to one form code only", () => {
    const other = new Map([["BM04-CHINHSACH", new Set(["EM_DEPUTIES"])]]);
    const r = parseTemplateSource(JSON.stringify(good), catalogue, other, "json");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0].message).toContain("BM04-CHINHSACH");
    // a new version of the same code may keep its indicators
    expect(parseTemplateSource(JSON.stringify(good), catalogue, new Map([["BM09-THU", new Set(["EM_DEPUTIES"])]]), "json").ok).toBe(true);
  });

  it("refuses oversized uploads", () => {
    const r = parseTemplateSource("#".repeat(600 * 1024), catalogue, new Map(), "yaml");
    expect(r.ok).toBe(false);
  });
});
