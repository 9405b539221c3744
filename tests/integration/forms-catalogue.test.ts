import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { createTestDb, type TestDb } from "../setup/db.ts";
import { actorFor, cast, openPeriod } from "./workflow-helpers.ts";
import { listTemplates, publishTemplate, publishedTemplate, retireTemplate, uploadTemplate, getTemplate } from "../../app/forms/catalogue.server.ts";
import { openSubmission, saveEntry, loadSubmission } from "../../app/workflow/submissions.server.ts";
import { assignForm, createPeriod } from "../../app/periods/periods.server.ts";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.drop());

describe("form catalogue: upload, versions, publish, retire", () => {
  it("the seeded forms are published in the catalogue", async () => {
    const list = await listTemplates(t.db);
    expect(list.filter((l) => l.status === "published").map((l) => l.code).sort()).toEqual(["BM01-DANSO", "BM02-NGHEO", "BM03-HATANG", "BM04-CHINHSACH", "BM05-XAHOI"]);
  });

  it("refuses a bad upload with line-numbered issues and stores nothing", async () => {
    const c = await cast(t.db);
    const admin = (await actorFor(t.db, c.province.username)).catalogueActor;
    const before = (await listTemplates(t.db)).length;
    const r = await uploadTemplate(t.db, admin, "code: BM09-X\ntitle_vi: Biểu\ntitle_en: Form\ntiers: [commune]\nsections:\n  - id: a\n    title_vi: A\n    title_en: A\n    rows:\n      - indicator: POP\n", "bm09.yaml");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues).toEqual([expect.objectContaining({ line: 10, message: expect.stringContaining("BM01-DANSO") })]);
    expect((await listTemplates(t.db)).length).toBe(before);
  });

  it("publishing a new version never changes submissions on the old one", async () => {
    const c = await cast(t.db);
    const adminA = await actorFor(t.db, c.province.username);
    const admin = adminA.catalogueActor;
    const clerk = await actorFor(t.db, c.commune.username);
    const v1 = (await publishedTemplate(t.db, "BM03-HATANG"))!;
    const period = await openPeriod(t.db, admin, { type: "year", year: 2032 }, ["BM03-HATANG"]);
    const sub = await openSubmission(t.db, clerk, period.id, "BM03-HATANG");
    await saveEntry(t.db, clerk, sub.id, { version: 1, raw: { "VILLAGES:00:T": "12" }, mode: "draft" });

    // v2: drop a row, add a rule — uploaded as YAML, published
    const def2 = structuredClone(v1.definition);
    def2.sections[1].rows = def2.sections[1].rows.filter((r) => r.indicator !== "HEALTH_STATION_STD");
    def2.title_vi = "Biểu 03: Kết cấu hạ tầng (sửa đổi)";
    const up = await uploadTemplate(t.db, admin, stringify(def2), "bm03-v2.yaml");
    expect(up.ok).toBe(true);
    if (!up.ok) return;
    expect(up.template).toMatchObject({ version: 2, status: "draft" });
    await publishTemplate(t.db, admin, up.template.id);
    expect((await getTemplate(t.db, v1.id))!.status).toBe("retired");
    expect((await publishedTemplate(t.db, "BM03-HATANG"))!.version).toBe(2);

    // the old submission stays on v1, with its values and its rows
    const loaded = await loadSubmission(t.db, clerk.scope, sub.id);
    expect(loaded.template.id).toBe(v1.id);
    expect(loaded.template.definition.sections[1].rows.map((r) => r.indicator)).toContain("HEALTH_STATION_STD");
    expect(loaded.values.get("VILLAGES:00:T")).toBe(12);
    // and can still be completed on v1 (HEALTH_STATION_STD is still a cell of it)
    const r = await saveEntry(t.db, clerk, sub.id, { version: 2, raw: { "HEALTH_STATION_STD:00:T": "1" }, mode: "draft" });
    expect(r.ok).toBe(true);

    // a new period uses v2
    const p2 = await createPeriod(t.db, admin, { type: "year", year: 2033, deadline: "2099-01-01" });
    await assignForm(t.db, admin, p2.id, "BM03-HATANG", { tier: "commune" });
    expect((await t.db("period_forms").where({ period_id: p2.id }).first("template_id")).template_id).toBe(up.template.id);

    // retire
    await retireTemplate(t.db, admin, up.template.id);
    expect(await publishedTemplate(t.db, "BM03-HATANG")).toBeNull();
    const audit = await t.db("audit_log").whereIn("action", ["forms.template_uploaded", "forms.template_published", "forms.template_retired"]).count<{ count: number }[]>("* as count");
    expect(Number(audit[0].count)).toBe(3);
  });
});
