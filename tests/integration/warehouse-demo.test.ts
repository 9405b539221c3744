import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../setup/db.ts";
import { seedDemoData } from "../../app/db/seed/demo.ts";
import { entryContextFor, getTemplate } from "../../app/forms/catalogue.server.ts";
import { validateEntry } from "../../app/forms/entry.ts";
import { openWarehouse } from "../../warehouse/service.ts";
import { createEtlRunner } from "../../etl/runner.ts";
import { queryCompleteness, queryIndicators } from "../../warehouse/query/index.ts";
import { buildScope } from "../../app/scope/scope.ts";

let t: TestDb;
const NOW = new Date("2026-11-24T08:00:00Z");

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.drop());

describe("demo data", () => {
  it("fills 2023 and 2024 with approved submissions of every commune and district, and 2025 with a mix", async () => {
    const r = await seedDemoData(t.db, { now: NOW });
    expect(r.skipped).toBe(false);
    const communes = Number((await t.db("units").where({ tier: "commune" }).count("* as n"))[0]!.n);
    const districts = Number((await t.db("units").where({ tier: "district" }).count("* as n"))[0]!.n);
    expect(communes).toBe(161);
    for (const code of ["2023", "2024"]) {
      const p = await t.db("periods").where({ code }).first();
      expect(p).toMatchObject({ status: "locked", is_demo: true });
      const rows = await t.db("submissions").where({ period_id: p.id }).groupBy("form_code", "status").select("form_code", "status").count("* as n");
      const by = Object.fromEntries(rows.map((x) => [`${x.form_code}/${x.status}`, Number(x.n)]));
      expect(by).toEqual({
        "BM01-DANSO/approved": 161,
        "BM02-NGHEO/approved": 161,
        "BM03-HATANG/approved": 161,
        "BM05-XAHOI/approved": 161,
        "BM04-CHINHSACH/approved": districts,
      });
      expect(await t.db("period_forms").where({ period_id: p.id }).count("* as n")).toEqual([{ n: 5 }]);
    }
    const open = await t.db("periods").where({ code: "2025" }).first();
    expect(open.status).toBe("open");
    const statuses = new Set((await t.db("submissions").where({ period_id: open.id }).distinct("status")).map((x) => x.status));
    expect(statuses).toEqual(new Set(["draft", "submitted", "returned", "approved"]));
    const n2025 = Number((await t.db("submissions").where({ period_id: open.id }).count("* as n"))[0]!.n);
    expect(n2025).toBeLessThan(161 * 4 + districts); // some not started
    expect(await t.db("submissions").where({ is_demo: false }).count("* as n")).toEqual([{ n: 0 }]);
    // history: approved by the district account for communes, by the province committee for districts
    const hist = await t.db("submission_transitions as st")
      .join("submissions as s", "s.id", "st.submission_id")
      .join("users as u", "u.id", "st.actor_user_id")
      .join("units as un", "un.id", "u.unit_id")
      .where("st.to_status", "approved")
      .groupBy("s.form_code", "un.tier")
      .select("s.form_code", "un.tier")
      .count("* as n");
    for (const h of hist) expect(h.tier).toBe(h.form_code === "BM04-CHINHSACH" ? "province" : "district");
  });

  it("passes every rule of its form", async () => {
    const subs = await t.db("submissions").whereIn("status", ["approved", "submitted"]).select("id", "template_id");
    const ctxByTemplate = new Map<number, Awaited<ReturnType<typeof entryContextFor>>>();
    const failures: string[] = [];
    const values = await t.db("submission_values as v").join("indicators as i", "i.id", "v.indicator_id").whereIn("v.submission_id", subs.map((s) => s.id)).select("v.submission_id", "i.code", "i.disaggregation", "v.ethnicity_code", "v.sex", "v.value");
    const bySub = new Map<number, Record<string, number>>();
    for (const v of values) {
      if (v.disaggregation === "ethnicity_sex" && v.sex === "T") continue; // derived, not typed
      const m = bySub.get(v.submission_id) ?? {};
      m[`${v.code}:${v.ethnicity_code}:${v.sex}`] = v.value;
      bySub.set(v.submission_id, m);
    }
    for (const s of subs) {
      if (!ctxByTemplate.has(s.template_id)) ctxByTemplate.set(s.template_id, await entryContextFor(t.db, (await getTemplate(t.db, s.template_id))!.definition));
      const r = validateEntry(ctxByTemplate.get(s.template_id)!, bySub.get(s.id) ?? {}, "submit");
      if (!r.ok) failures.push(`${s.id}: ${r.errors.slice(0, 2).map((e) => `${e.cell} ${e.vi}`).join("; ")}`);
    }
    expect(failures).toEqual([]);
    expect(subs.length).toBeGreaterThan(1300);
  });

  it("is idempotent", async () => {
    const before = await t.db("submission_values").count("* as n");
    expect((await seedDemoData(t.db, { now: NOW })).skipped).toBe(true);
    expect(await t.db("submission_values").count("* as n")).toEqual(before);
  });

  it("loads into the warehouse with every check passing and plausible figures", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "demo-wh-"));
    const wh = await openWarehouse({ path: path.join(dir, "wh.duckdb") });
    try {
      const s = await createEtlRunner({ db: t.db, warehouse: wh }).run({ mode: "full", trigger: "test" });
      expect(s.checksFailed).toBe(0);
      const scope = buildScope({ userId: 1, username: "p", unitId: 1, unitPath: "/1/", tier: "province", roles: ["analyst"], sectorDomains: [] });
      const pop = await queryIndicators(wh, scope, { indicators: ["POP", "POVERTY_RATE"], filters: { periods: ["2024"] } });
      const total = pop.rows.find((r) => r.indicator === "POP")!.value!;
      expect(total).toBeGreaterThan(450_000);
      expect(total).toBeLessThan(650_000);
      const rate = pop.rows.find((r) => r.indicator === "POVERTY_RATE")!.value!;
      expect(rate).toBeGreaterThan(5);
      expect(rate).toBeLessThan(45);
      const comp = await queryCompleteness(wh, scope, { periods: ["2025"], unitLevel: "province" });
      expect(comp.some((c) => c.notStarted > 0 && c.approved > 0)).toBe(true);
    } finally {
      await wh.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
