import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ExcelJS from "exceljs";
import { stringify } from "yaml";
import { startTestServer, type TestServer } from "../setup/server.ts";
import { TestClient } from "../setup/http.ts";
import { STRONG_PASSWORD, TEST_DEFAULT_PASSWORD } from "../setup/constants.ts";
import { cast } from "./workflow-helpers.ts";
import { enrolTotp, passMfa } from "./security-helpers.ts";

/**
 * The forms flow over plain HTTP, as a browser without JavaScript does it:
 * every step is a GET of a server-rendered page or a form POST.
 */
let s: TestServer;
let c: Awaited<ReturnType<typeof cast>>;
beforeAll(async () => {
  s = await startTestServer();
  c = await cast(s.db);
});
afterAll(async () => s?.stop());

const field = (html: string, name: string) => html.match(new RegExp(`name="${name}"[^>]*value="([^"]*)"`))?.[1] ?? html.match(new RegExp(`value="([^"]*)"[^>]*name="${name}"`))?.[1];

describe("forms over HTTP without client JavaScript", () => {
  it("admin creates a period; clerk enters, is refused with values kept, submits; district returns and approves; PDF and print work", async () => {
    // the administrator: password changed, TOTP enrolled (admin pages need a second factor)
    const first = new TestClient(s.adminUrl);
    await first.loginAndSetPassword(c.province.username, TEST_DEFAULT_PASSWORD, STRONG_PASSWORD);
    const key = await enrolTotp(s.db, c.province.username, s.config.APP_SECRET);
    const admin = new TestClient(s.adminUrl);
    await admin.login(c.province.username, STRONG_PASSWORD);
    expect((await passMfa(admin, key)).status).toBe(302);
    const list = await admin.page("/admin/forms");
    expect(list).toContain("BM01-DANSO");
    // a bad template upload names its line
    await admin.get("/admin/forms");
    const bad = await admin.post("/admin/forms", { intent: "preview", source: "code: BM09-X\ntitle_vi: Thử\ntitle_en: Trial\ntiers: [commune]\nsections:\n  - id: a\n    title_vi: A\n    title_en: A\n    rows:\n      - indicator: NOPE\n" });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("Dòng 10");

    // a good template as a YAML file (multipart): stored as the next draft version, then published
    const def3 = (await s.db("form_templates").where({ code: "BM03-HATANG", version: 1 }).first("definition")).definition;
    const fd = new FormData();
    fd.set("intent", "upload");
    fd.set("file", new Blob([stringify({ ...def3, title_vi: "Biểu 03: Hạ tầng (sửa đổi)" })], { type: "application/x-yaml" }), "bm03.yaml");
    const up = await admin.post("/admin/forms", fd);
    expect(up.status).toBe(302);
    const tplPath = up.headers.get("location")!.split("?")[0];
    const tplPage = await admin.page(tplPath);
    expect(tplPage).toContain("BM03-HATANG v2");
    expect(tplPage).toContain('name="c:VILLAGES:00:T"'); // the preview renders the form
    expect((await admin.post(tplPath, { intent: "publish" })).status).toBe(302);
    expect(await admin.page(tplPath)).toMatch(/data-testid="template-status">published</);

    await admin.get("/admin/periods");
    const created = await admin.post("/admin/periods", { type: "quarter", year: "2040", number: "2", deadline: "2099-07-15" });
    expect(created.status).toBe(302);
    const periodPath = created.headers.get("location")!.split("?")[0];
    await admin.get(periodPath);
    expect((await admin.post(periodPath, { intent: "assign", formCode: "BM01-DANSO", target: "commune" })).status).toBe(302);
    expect((await admin.post(periodPath, { intent: "open" })).status).toBe(302);
    expect(await admin.page(periodPath)).toContain("Đang mở nhập");
    // admin pages are not served on the public port
    const pub = new TestClient(s.baseUrl);
    expect((await pub.get("/admin/periods")).status).toBe(404);

    const clerk = new TestClient(s.baseUrl);
    await clerk.loginAndSetPassword(c.commune.username, TEST_DEFAULT_PASSWORD, STRONG_PASSWORD);
    const mine = await clerk.page("/forms");
    expect(mine).toContain("BM01-DANSO");
    expect(mine).toContain("Quý II/2040");
    const periodId = periodPath.split("/").pop()!;
    const start = await clerk.post("/forms", { periodId, formCode: "BM01-DANSO" });
    expect(start.status).toBe(302);
    const editPath = start.headers.get("location")!;
    const edit = await clerk.page(editPath);
    const version = field(edit, "version")!;
    expect(edit).toContain('name="c:POP:00:M"');

    // add a group without JS: values typed so far come back
    const added = await clerk.post(editPath, { intent: "add_group", version, groups: "", addGroup: "02", "c:POP:00:M": "1.200" });
    const addedHtml = await added.text();
    expect(addedHtml).toContain('name="c:POP:02:M"');
    expect(addedHtml).toMatch(/name="c:POP:00:M"[^>]*value="1.200"/);

    // submit with errors: refused, every value typed kept, errors next to cells
    const typed = { "c:POP:00:M": "1.200", "c:POP:00:F": "1.300", "c:POP:02:M": "1.200", "c:POP:02:F": "abc", "c:HH:00:T": "600", "c:HH:02:T": "600" };
    const refused = await clerk.post(editPath, { intent: "submit", version, groups: "02", ...typed });
    expect(refused.status).toBe(422);
    const rhtml = await refused.text();
    expect(rhtml).toContain("Không phải là số");
    expect(rhtml).toMatch(/name="c:POP:02:F"[^>]*value="abc"/);
    expect(rhtml).toMatch(/name="c:HH:02:T"[^>]*value="600"/);

    // second tab on a stale version: refused with a clear message, values kept
    const saved = await clerk.post(editPath, { intent: "save", version, groups: "02", ...typed, "c:POP:02:F": "1.300" });
    expect(saved.status).toBe(302);
    const stale = await clerk.post(editPath, { intent: "save", version, groups: "02", "c:HH:00:T": "999" });
    expect(stale.status).toBe(409);
    const staleHtml = await stale.text();
    expect(staleHtml).toContain("người khác lưu");
    expect(staleHtml).toMatch(/name="c:HH:00:T"[^>]*value="999"/);

    const edit2 = await clerk.page(editPath);
    const v2 = field(edit2, "version")!;
    const sub = await clerk.post(editPath, { intent: "submit", version: v2, groups: "02", ...typed, "c:POP:02:F": "1.300" });
    expect(sub.status).toBe(302);
    const viewPath = sub.headers.get("location")!.split("?")[0];
    expect(await clerk.page(viewPath)).toContain("Đã gửi, chờ duyệt");

    // district: queue, return with reason, then approve after resubmission
    const district = new TestClient(s.baseUrl);
    await district.loginAndSetPassword(c.district.username, TEST_DEFAULT_PASSWORD, STRONG_PASSWORD);
    expect(await district.page("/approvals")).toContain(c.commune.name);
    await district.page(viewPath);
    const noReason = await district.post(viewPath, { intent: "return", reason: "" });
    expect(noReason.status).toBe(422);
    expect((await district.post(viewPath, { intent: "return", reason: "Số hộ Tày chưa khớp sổ hộ khẩu" })).status).toBe(302);
    // the other district cannot see it
    const other = new TestClient(s.baseUrl);
    await other.loginAndSetPassword(c.otherDistrict.username, TEST_DEFAULT_PASSWORD, STRONG_PASSWORD);
    expect((await other.get(viewPath)).status).toBe(403);
    // the clerk sees the reason and resubmits
    expect(await clerk.page("/forms")).toContain("Số hộ Tày chưa khớp sổ hộ khẩu");
    const edit3 = await clerk.page(editPath);
    expect(edit3).toContain("Số hộ Tày chưa khớp sổ hộ khẩu");
    const re = await clerk.post(editPath, { intent: "submit", version: field(edit3, "version")!, groups: "02", "c:HH:00:T": "550", "c:HH:02:T": "550" });
    expect(re.status).toBe(302);
    await district.page(viewPath);
    expect((await district.post(viewPath, { intent: "approve" })).status).toBe(302);
    const approvedHtml = await district.page(viewPath);
    expect(approvedHtml).toContain("Đã phê duyệt");
    // nobody edits approved: the edit page sends the clerk to the read-only view
    expect((await clerk.get(editPath)).status).toBe(302);

    // the value history (old → new) is on the submission page
    expect(approvedHtml).toContain("Lịch sử sửa số liệu");
    expect(approvedHtml).toMatch(/600(<!-- -->)? → <strong>550<\/strong>/);

    // print view and PDF
    const print = await clerk.page(`${viewPath}/print`);
    expect(print).toContain("THỦ TRƯỞNG ĐƠN VỊ");
    expect(print).toContain("Số liệu tính đến ngày");
    const pdf = await clerk.get(`${viewPath}/pdf`);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect(bytes.length).toBeGreaterThan(5000);
    // XLSX download is a real workbook
    const x = await clerk.get(`${viewPath}/xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await x.arrayBuffer());
    expect(wb.worksheets.map((w) => w.name)).toContain("1. Dân số");

    // English is available beside Vietnamese
    clerk.cookies.set("lang", "en");
    const en = await clerk.page("/forms");
    expect(en).toContain("My forms");
    expect(en).toContain("Approved");
    clerk.cookies.delete("lang");

    // completeness for the province
    const prov = new TestClient(s.baseUrl);
    await prov.login(c.province.username, STRONG_PASSWORD);
    expect((await passMfa(prov, key, 1)).status).toBe(302);
    const comp = await prov.page(`/completeness?period=${periodId}&form=BM01-DANSO`);
    expect(comp).toMatch(/data-testid="approved-count">1</);
  });
});
