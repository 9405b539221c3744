import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../setup/db.ts";
import { seedDemoData } from "../../app/db/seed/demo.ts";
import { actorFor } from "./workflow-helpers.ts";
import { submissionView } from "../../app/workflow/submission-view.server.ts";
import { entryContextFor, getTemplate } from "../../app/forms/catalogue.server.ts";
import { validateEntry } from "../../app/forms/entry.ts";
import { storedValues } from "../../app/workflow/submissions.server.ts";
import { completenessFor } from "../../app/periods/completeness.server.ts";
import { submissionPdf } from "../../app/print/submission-pdf.server.ts";
import { parseCellKey } from "../../app/forms/cells.ts";

/** The demo data seen through the forms module: every approved demo submission passes the form's own rules. */
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  await seedDemoData(t.db, { now: new Date("2025-06-01T00:00:00Z") });
}, 180_000);
afterAll(async () => t?.drop());

describe("demo data through the forms module", () => {
  it("approved demo submissions satisfy their template's submit rules and render", async () => {
    const subs = await t.db("submissions").where({ is_demo: true, status: "approved" }).select("id", "template_id", "unit_id", "approver_unit_id").limit(40);
    expect(subs.length).toBeGreaterThan(0);
    for (const s of subs) {
      const tpl = (await getTemplate(t.db, s.template_id))!;
      const ctx = await entryContextFor(t.db, tpl.definition);
      const values = await storedValues(t.db, s.id);
      const raw: Record<string, number | null> = {};
      for (const [k, v] of values) {
        const c = parseCellKey(k)!;
        const row = tpl.definition.sections.flatMap((x) => x.rows).find((r) => r.indicator === c.indicator);
        if (row?.breakdown === "ethnicity_sex" && c.sex === "T") continue;
        raw[k] = v;
      }
      const r = validateEntry(ctx, raw, "submit");
      expect(r.ok ? [] : r.errors.slice(0, 3), `submission ${s.id} (${tpl.code})`).toEqual([]);
    }
    const one = subs[0];
    const approver = await t.db("users").where({ unit_id: one.approver_unit_id }).first("username");
    const view = await submissionView(t.db, (await actorFor(t.db, approver.username)).scope, one.id, { withDiff: true });
    expect(view.groups.length).toBeGreaterThan(0);
    expect((await submissionPdf(view)).subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("completeness of a demo period", async () => {
    const p = await t.db("periods").where({ is_demo: true }).orderBy("reference_date").first("id");
    const form = await t.db("period_forms").where({ period_id: p.id }).first("form_code");
    const prov = await t.db("users as u").join("units as n", "n.id", "u.unit_id").where("n.tier", "province").first("u.username");
    const r = await completenessFor(t.db, (await actorFor(t.db, prov.username)).scope, p.id, form.form_code);
    expect(r!.overall.expected).toBeGreaterThan(0);
    expect(r!.overall.approved).toBeGreaterThan(0);
  });
});
