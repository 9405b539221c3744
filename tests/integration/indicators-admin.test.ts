import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { startTestServer, type TestServer } from "../setup/server.ts";
import { TestClient } from "../setup/http.ts";
import { STRONG_PASSWORD, TEST_DEFAULT_PASSWORD } from "../setup/constants.ts";
import { enrolTotp, passMfa } from "./security-helpers.ts";

/**
 * Indicator catalogue administration over HTTP (admin port, admin role,
 * second factor), up to a new form using a new indicator; and the admin's
 * reopen of an approved submission needing the second factor.
 */
let s: TestServer;
let admin: TestClient; // admin port, TOTP verified
let adminPublic: TestClient; // the same admin on the public port
let key: Uint8Array;

const ADMIN = "bandantoctinh";

function indicatorFields(over: Record<string, string>): Record<string, string> {
  return {
    intent: "create", code: "", name_vi: "", name_en: "", domain: "infrastructure", unit_vi: "Hộ", unit_en: "households",
    value_type: "integer", disaggregation: "ethnicity", aggregation: "sum", numerator_code: "", denominator_code: "", ratio_scale: "",
    min_value: "0", max_value: "", plausible_min: "", plausible_max: "", source: "Điều tra 53 DTTS 2024", description: "", ...over,
  };
}

async function auditCount(action: string, target?: string): Promise<number> {
  const q = s.db("audit_log").where({ action });
  if (target) q.andWhere({ target_id: target });
  return Number((await q.count<{ n: number }[]>({ n: "*" }))[0].n);
}

async function period(code: string, year: number): Promise<number> {
  const [p] = await s.db("periods").insert({ code, type: "year", year, start_date: `${year}-01-01`, end_date: `${year}-12-31`, reference_date: `${year}-12-31`, deadline: `${year + 1}-01-15`, status: "open", label_vi: `Năm ${year}`, label_en: String(year) }).returning("id");
  return p.id;
}

beforeAll(async () => {
  s = await startTestServer();
  adminPublic = new TestClient(s.baseUrl);
  await adminPublic.loginAndSetPassword(ADMIN, TEST_DEFAULT_PASSWORD, STRONG_PASSWORD);
});
afterAll(async () => s?.stop());

describe("reopening an approved submission (public port) needs the admin's second factor", () => {
  it("sends an admin without a factor to enrol, and reopens once the factor is verified", async () => {
    const unit = (await s.db("units").where({ tier: "commune" }).orderBy("path").first("id", "parent_id"));
    const tpl = await s.db("form_templates").where({ code: "BM01-DANSO", status: "published" }).first("id");
    const creator = (await s.db("users").where({ unit_id: unit.id }).first("id"))?.id ?? (await s.db("users").where({ username: ADMIN }).first("id")).id;
    const [sub] = await s.db("submissions").insert({ period_id: await period("2031", 2031), form_code: "BM01-DANSO", template_id: tpl.id, unit_id: unit.id, approver_unit_id: unit.parent_id, created_by: creator, status: "approved" }).returning("id");
    const path = `/submissions/${sub.id}`;
    expect(await adminPublic.page(path)).toContain('value="reopen"');
    const refused = await adminPublic.post(path, { intent: "reopen", reason: "Sửa số liệu theo công văn" });
    expect(refused.status).toBe(302);
    expect(refused.headers.get("location")).toMatch(/^\/account\/mfa\?.*required=1/);
    expect((await s.db("submissions").where({ id: sub.id }).first("status")).status).toBe("approved");

    key = await enrolTotp(s.db, ADMIN, s.config.APP_SECRET);
    adminPublic = new TestClient(s.baseUrl);
    await adminPublic.login(ADMIN, STRONG_PASSWORD);
    await passMfa(adminPublic, key);
    await adminPublic.get(path);
    const ok = await adminPublic.post(path, { intent: "reopen", reason: "Sửa số liệu theo công văn" });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toBe(`${path}?done=reopen`);
    expect((await s.db("submissions").where({ id: sub.id }).first("status")).status).toBe("returned");

    admin = new TestClient(s.adminUrl);
    await admin.login(ADMIN, STRONG_PASSWORD);
    expect((await passMfa(admin, key)).status).toBe(302);
  });
});

describe("indicator catalogue administration over HTTP", () => {
  it("lists and searches by code, name (accents ignored) and domain", async () => {
    const all = await admin.page("/admin/indicators");
    expect(all).toContain("30 / 30 chỉ tiêu");
    const byName = await admin.page("/admin/indicators?q=ty+le+ho+ngheo");
    expect(byName).toContain("POVERTY_RATE");
    expect(byName).not.toContain("<strong>POP</strong>");
    const byDomain = await admin.page("/admin/indicators?q=gi%E1%BA%A3m+ngh%C3%A8o"); // "giảm nghèo", the domain's label
    expect(byDomain).toContain("<strong>HH_NEAR_POOR</strong>");
    expect(byDomain).not.toContain("<strong>VILLAGES_GRID</strong>");
    const select = await admin.page("/admin/indicators?domain=education");
    expect(select).toContain("ILLITERACY_RATE");
    expect(select).toContain("4 / 30 chỉ tiêu");
    expect(await admin.page("/admin")).toContain("/admin/indicators");
    expect(await admin.page("/admin/forms")).toContain('href="/admin/indicators"');
  });

  it("creates sum and ratio indicators; refuses bad ones field by field, keeping what was typed", async () => {
    await admin.get("/admin/indicators");
    const badSum = await admin.post("/admin/indicators", indicatorFields({ code: "hh internet", name_vi: "Số hộ có Internet", name_en: "", domain: "weather", min_value: "1e309" }));
    expect(badSum.status).toBe(400);
    const b1 = await badSum.text();
    expect(b1).toContain("Mã chỉ tiêu gồm 2–40 ký tự");
    expect(b1).toContain("Chưa nhập tên tiếng Anh");
    expect(b1).toContain("Lĩnh vực phải là một trong");
    expect(b1).toContain("Giá trị nhỏ nhất không phải là số hợp lệ");
    expect(b1).toContain('value="Số hộ có Internet"');
    expect(b1).toContain('value="hh internet"');
    // a ratio with a missing field: the ratio's own rules show in the same answer
    const partial = await admin.post("/admin/indicators", indicatorFields({ code: "NET_RATE", name_vi: "Tỷ lệ", name_en: "", aggregation: "ratio", denominator_code: "POVERTY_RATE", min_value: "" }));
    const b0 = await partial.text();
    for (const m of ["Chưa nhập tên tiếng Anh", "Chỉ tiêu tỷ lệ cần mã chỉ tiêu tử số", "Mẫu số: POVERTY_RATE là chỉ tiêu tỷ lệ", "Chỉ tiêu tỷ lệ cần hệ số", "Chỉ tiêu tỷ lệ là số thập phân"]) expect(b0).toContain(m);

    const sum = await admin.post("/admin/indicators", indicatorFields({ code: "HH_INTERNET", name_vi: "Số hộ có kết nối Internet", name_en: "Households with Internet", plausible_max: "15.000" }));
    expect(sum.status).toBe(302);
    expect(sum.headers.get("location")).toBe("/admin/indicators/HH_INTERNET?created=1");
    expect(await s.db("indicators").where({ code: "HH_INTERNET" }).first("aggregation", "disaggregation", "plausible_max", "min_value")).toEqual({ aggregation: "sum", disaggregation: "ethnicity", plausible_max: 15000, min_value: 0 });

    const dup = await admin.post("/admin/indicators", indicatorFields({ code: "HH_INTERNET", name_vi: "Trùng", name_en: "Dup" }));
    expect(dup.status).toBe(400);
    expect(await dup.text()).toContain("Mã HH_INTERNET đã có trong danh mục");

    const ratio = { code: "INTERNET_RATE", name_vi: "Tỷ lệ hộ có kết nối Internet", name_en: "Share of households with Internet", unit_vi: "%", unit_en: "%", value_type: "decimal", aggregation: "ratio", ratio_scale: "100", min_value: "" };
    const badRatio = await admin.post("/admin/indicators", indicatorFields({ ...ratio, numerator_code: "HH_WIFI", denominator_code: "POVERTY_RATE" }));
    expect(badRatio.status).toBe(400);
    const b2 = await badRatio.text();
    expect(b2).toContain("Tử số: không có chỉ tiêu HH_WIFI trong danh mục");
    expect(b2).toContain("Mẫu số: POVERTY_RATE là chỉ tiêu tỷ lệ");
    expect(b2).toContain('value="Tỷ lệ hộ có kết nối Internet"');
    const tooFine = await admin.post("/admin/indicators", indicatorFields({ ...ratio, disaggregation: "ethnicity_sex", numerator_code: "HH_INTERNET", denominator_code: "HH" }));
    expect(tooFine.status).toBe(400);
    expect(await tooFine.text()).toContain("không được chi tiết hơn");
    const noScale = await admin.post("/admin/indicators", indicatorFields({ ...ratio, ratio_scale: "", numerator_code: "HH_INTERNET", denominator_code: "HH" }));
    expect(await noScale.text()).toContain("Chỉ tiêu tỷ lệ cần hệ số");
    expect(await s.db("indicators").where({ code: "INTERNET_RATE" }).first()).toBeUndefined();

    const good = await admin.post("/admin/indicators", indicatorFields({ ...ratio, numerator_code: "HH_INTERNET", denominator_code: "HH" }));
    expect(good.status).toBe(302);
    expect(await s.db("indicators").where({ code: "INTERNET_RATE" }).first("aggregation", "numerator_code", "denominator_code", "ratio_scale")).toEqual({ aggregation: "ratio", numerator_code: "HH_INTERNET", denominator_code: "HH", ratio_scale: 100 });
    expect(await auditCount("indicators.created")).toBe(2);
    const page = await admin.page("/admin/indicators/HH_INTERNET");
    expect(page).toContain("INTERNET_RATE"); // the ratio computed from it
  });

  it("edits the wording, range and source; the code never changes", async () => {
    await admin.get("/admin/indicators/HH_INTERNET");
    const r = await admin.post("/admin/indicators/HH_INTERNET", { intent: "update", name_vi: "Số hộ có kết nối Internet băng rộng", name_en: "Households with broadband Internet", unit_vi: "Hộ gia đình", unit_en: "households", plausible_min: "", plausible_max: "20.000", source: "Điều tra 53 DTTS 2024 (mục Internet)" });
    expect(r.status).toBe(302);
    expect(r.headers.get("location")).toBe("/admin/indicators/HH_INTERNET?saved=5");
    expect(await s.db("indicators").where({ code: "HH_INTERNET" }).first("name_vi", "unit_vi", "plausible_max", "aggregation")).toEqual({ name_vi: "Số hộ có kết nối Internet băng rộng", unit_vi: "Hộ gia đình", plausible_max: 20000, aggregation: "sum" });
    const audit = await s.db("audit_log").where({ action: "indicators.updated", target_id: "HH_INTERNET" }).first("details", "actor_username");
    expect(audit.actor_username).toBe(ADMIN);
    expect(audit.details.changes.plausible_max).toEqual({ from: 15000, to: 20000 });
    // nothing used it yet: the ratio's scale can still change
    await admin.get("/admin/indicators/INTERNET_RATE");
    expect((await admin.post("/admin/indicators/INTERNET_RATE", { intent: "update", ratio_scale: "1.000" })).status).toBe(302);
    expect((await s.db("indicators").where({ code: "INTERNET_RATE" }).first("ratio_scale")).ratio_scale).toBe(1000);
    expect((await admin.post("/admin/indicators/INTERNET_RATE", { intent: "update", ratio_scale: "100" })).status).toBe(302);
    // the code is not editable
    const rename = await admin.post("/admin/indicators/HH_INTERNET", { intent: "update", code: "HH_NET" });
    expect(rename.status).toBe(409);
    expect(await rename.text()).toContain("Mã chỉ tiêu không đổi được");
    // a bad edit keeps what was typed
    const bad = await admin.post("/admin/indicators/HH_INTERNET", { intent: "update", name_vi: "Tên mới chưa lưu", plausible_min: "abc" });
    expect(bad.status).toBe(400);
    const body = await bad.text();
    expect(body).toContain("Ngưỡng hợp lý dưới không phải là số hợp lệ");
    expect(body).toContain('value="Tên mới chưa lưu"');
    expect((await s.db("indicators").where({ code: "HH_INTERNET" }).first("name_vi")).name_vi).toBe("Số hộ có kết nối Internet băng rộng");
  });

  it("a new form template using the new indicator is uploaded and published through the forms flow", async () => {
    const def = {
      code: "BM06-INTERNET",
      title_vi: "Biểu 06: Kết nối Internet của hộ đồng bào DTTS",
      title_en: "Form 06: Internet access of ethnic-minority households",
      tiers: ["commune"],
      approval: { chain: "parent" },
      sections: [{ id: "internet", title_vi: "Kết nối Internet", title_en: "Internet access", rows: [{ indicator: "HH_INTERNET", breakdown: "ethnicity" }] }],
      rules: [{ type: "sum_equals_total", indicator: "HH_INTERNET" }],
    };
    await admin.get("/admin/forms");
    // the ratio is computed, never a row of a form
    const ratioRow = await admin.post("/admin/forms", { intent: "upload", source: stringify({ ...def, sections: [{ ...def.sections[0], rows: [{ indicator: "INTERNET_RATE" }] }], rules: [] }) });
    expect(ratioRow.status).toBe(422);
    expect(await ratioRow.text()).toContain("INTERNET_RATE là chỉ tiêu tỷ lệ");
    const up = await admin.post("/admin/forms", { intent: "upload", source: stringify(def) });
    expect(up.status).toBe(302);
    const tplPath = up.headers.get("location")!.replace(/\?.*$/, "");
    expect(await admin.page(tplPath)).toContain("Số hộ có kết nối Internet băng rộng");
    expect((await admin.post(tplPath, { intent: "publish" })).status).toBe(302);
    const tpl = await s.db("form_templates").where({ code: "BM06-INTERNET" }).first("id", "status");
    expect(tpl.status).toBe("published");
    // the indicator page shows the template using it
    const page = await admin.page("/admin/indicators/HH_INTERNET");
    expect(page).toContain(`href="/admin/forms/${tpl.id}"`);
    expect(page).toContain("BM06-INTERNET v1");
    // now in a template: how it is computed and broken down is locked
    const disagg = await admin.post("/admin/indicators/HH_INTERNET", { intent: "update", disaggregation: "none" });
    expect(disagg.status).toBe(409);
    expect(await disagg.text()).toContain("biểu mẫu BM06-INTERNET đang dùng chỉ tiêu này");
  });

  it("refuses to change the meaning of an indicator that has values, and explains why", async () => {
    const unit = await s.db("units").where({ tier: "commune" }).orderBy("path").first("id", "parent_id");
    const tpl = await s.db("form_templates").where({ code: "BM06-INTERNET", status: "published" }).first("id");
    const ind = await s.db("indicators").where({ code: "HH_INTERNET" }).first("id");
    const creator = (await s.db("users").where({ username: ADMIN }).first("id")).id;
    const [sub] = await s.db("submissions").insert({ period_id: await period("2032", 2032), form_code: "BM06-INTERNET", template_id: tpl.id, unit_id: unit.id, approver_unit_id: unit.parent_id, created_by: creator }).returning("id");
    await s.db("submission_values").insert({ submission_id: sub.id, indicator_id: ind.id, ethnicity_code: "00", sex: "T", value: 120 });

    await admin.get("/admin/indicators/HH_INTERNET");
    const before = await s.db("indicators").where({ code: "HH_INTERNET" }).first();
    const agg = await admin.post("/admin/indicators/HH_INTERNET", { intent: "update", aggregation: "ratio", value_type: "decimal", numerator_code: "POP", denominator_code: "HH_REVIEWED", ratio_scale: "1" });
    expect(agg.status).toBe(409);
    const body = await agg.text();
    expect(body).toContain("đã có 1 giá trị số liệu tham chiếu chỉ tiêu này");
    expect(body).toContain("số liệu lịch sử mang nghĩa khác");
    for (const f of [{ value_type: "decimal" }, { domain: "poverty" }, { min_value: "1" }] as Record<string, string>[]) {
      expect((await admin.post("/admin/indicators/HH_INTERNET", { intent: "update", ...f })).status).toBe(409);
    }
    expect(await s.db("indicators").where({ code: "HH_INTERNET" }).first()).toEqual(before);
    // its ratio now has values behind it too
    expect((await admin.post("/admin/indicators/INTERNET_RATE", { intent: "update", ratio_scale: "1.000" })).status).toBe(409);
    // the wording can still be corrected
    const ok = await admin.post("/admin/indicators/HH_INTERNET", { intent: "update", name_en: "Households with broadband Internet access" });
    expect(ok.status).toBe(302);
    expect(await admin.page("/admin/indicators/HH_INTERNET")).toContain("Số giá trị số liệu đã nhập: 1");
    expect(await auditCount("indicators.updated", "HH_INTERNET")).toBe(2);
  });

  it("is not served to other roles nor on the public port, and needs the CSRF token", async () => {
    const district = new TestClient(s.adminUrl);
    await district.loginAndSetPassword("huyenbaolam", TEST_DEFAULT_PASSWORD, STRONG_PASSWORD);
    expect((await district.get("/admin/indicators")).status).toBe(403);
    expect((await district.get("/admin/indicators/POP")).status).toBe(403);
    expect((await district.post("/admin/indicators", indicatorFields({ code: "X_DISTRICT", name_vi: "X", name_en: "X" }))).status).toBe(403);
    expect((await adminPublic.get("/admin/indicators")).status).toBe(404);
    expect((await adminPublic.post("/admin/indicators", indicatorFields({ code: "X_PUBLIC", name_vi: "X", name_en: "X" }))).status).toBe(404);
    expect((await admin.post("/admin/indicators", indicatorFields({ code: "X_NOCSRF", name_vi: "X", name_en: "X" }), { csrf: false })).status).toBe(403);
    expect(await s.db("indicators").whereIn("code", ["X_DISTRICT", "X_PUBLIC", "X_NOCSRF"]).first()).toBeUndefined();
  });
});
