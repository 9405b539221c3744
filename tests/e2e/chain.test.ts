import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { startTestServer, type TestServer } from "../setup/server.ts";
import { STRONG_PASSWORD, TEST_DEFAULT_PASSWORD } from "../setup/constants.ts";
import { actorFor, cast, openPeriod } from "../integration/workflow-helpers.ts";

/**
 * The whole chain in a real browser (Debian chromium, headless, JavaScript
 * on): a commune clerk signs in for the first time, changes the password,
 * fills the form (losing the session mid-entry without losing a value) and
 * submits; the district returns it with a reason; the clerk fixes and
 * resubmits; the district approves; the province sees it approved in the
 * completeness report.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
let s: TestServer;
let browser: Browser;
let c: Awaited<ReturnType<typeof cast>>;
let periodId = 0;

beforeAll(async () => {
  s = await startTestServer();
  c = await cast(s.db);
  const admin = await actorFor(s.db, c.province.username);
  const p = await openPeriod(s.db, admin.catalogueActor, { type: "year", year: 2041, deadline: "2099-12-31" }, ["BM01-DANSO"]);
  periodId = p.id;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

async function firstSignIn(page: Page, username: string): Promise<void> {
  await page.goto(`${s.baseUrl}/login`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', TEST_DEFAULT_PASSWORD);
  await Promise.all([page.waitForURL(/\/account\/password/), page.click('main button[type="submit"]')]);
  await page.fill('input[name="currentPassword"]', TEST_DEFAULT_PASSWORD);
  await page.fill('input[name="newPassword"]', STRONG_PASSWORD);
  await page.fill('input[name="confirmPassword"]', STRONG_PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/account/password")), page.click('main button[type="submit"]')]);
}

async function signIn(page: Page, username: string): Promise<void> {
  await page.goto(`${s.baseUrl}/login`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', STRONG_PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.click('main button[type="submit"]')]);
}

const cell = (k: string) => `input[name="c:${k}"]`;

describe("the forms chain in a real browser", () => {
  it("clerk submits, district returns, clerk resubmits, district approves, province sees it approved", async () => {
    const clerk = await (await browser.newContext({ locale: "vi-VN" })).newPage();
    await firstSignIn(clerk, c.commune.username);

    // my forms → start entry
    await clerk.goto(`${s.baseUrl}/forms`);
    await expect(clerk.locator("tr[data-form='BM01-DANSO']").textContent()).resolves.toContain("Chưa nhập");
    const pageErrors: string[] = [];
    clerk.on("pageerror", (e) => pageErrors.push(e.message));
    await Promise.all([clerk.waitForURL(/\/submissions\/\d+\/edit/), clerk.click("tr[data-form='BM01-DANSO'] button")]);
    await clerk.waitForSelector("#entry-form");
    const editUrl = clerk.url().split("?")[0];
    const viewUrl = editUrl.replace(/\/edit$/, "");

    // add the Tày group (02), then type; the live sum updates as we type
    await clerk.selectOption("#addGroup", "02");
    await clerk.click('button[value="add_group"]');
    await clerk.waitForSelector(cell("POP:02:M"));
    await clerk.waitForSelector('#entry-form[data-enhanced="1"]'); // live totals are a script: wait until it runs
    await clerk.fill(cell("POP:00:M"), "1.200");
    await clerk.fill(cell("POP:00:F"), "1.300");
    await clerk.fill(cell("POP:02:M"), "1.200");
    await clerk.fill(cell("POP:02:F"), "1.000");
    await expect.poll(() => clerk.textContent('[data-sum="POP:F"]')).toBe("1.000");
    await expect.poll(() => clerk.getAttribute('[data-sum="POP:F"]', "class")).toContain("mismatch");
    await expect.poll(() => clerk.textContent('[data-derived="POP:02:T"]')).toBe("2.200");
    // a number typed without separators is shown in vi-VN form when leaving the cell
    await clerk.fill(cell("HH:00:T"), "1234");
    await clerk.press(cell("HH:00:T"), "Tab");
    await expect.poll(() => clerk.inputValue(cell("HH:00:T"))).toBe("1.234");

    // the session is lost mid-entry (signed out on the server): nothing typed is lost
    await clerk.waitForTimeout(400); // the keystroke store is debounced
    const userId = (await s.db("users").where({ username: c.commune.username }).first("id")).id;
    await s.db("sessions").where({ user_id: userId }).delete();
    await Promise.all([clerk.waitForURL(/\/login/), clerk.click('button[value="save"]')]);
    await signIn(clerk, c.commune.username);
    await clerk.goto(editUrl);
    await expect(clerk.locator("text=Đã khôi phục").first().textContent()).resolves.toContain("chưa lưu");
    await expect.poll(() => clerk.inputValue(cell("POP:02:F"))).toBe("1.000");
    expect(await clerk.inputValue(cell("POP:00:M"))).toBe("1.200");

    // submit with an inconsistent breakdown: refused, errors listed, values kept
    await clerk.fill(cell("HH:00:T"), "500");
    await clerk.fill(cell("HH:02:T"), "500");
    await clerk.click('button[value="submit"]');
    await clerk.waitForSelector('[data-testid="error-summary"]');
    expect(await clerk.textContent('[data-testid="error-summary"]')).toContain("Tổng các dân tộc");
    expect(await clerk.inputValue(cell("POP:02:F"))).toBe("1.000");

    // fix and submit
    await clerk.fill(cell("POP:02:F"), "1.300");
    await Promise.all([clerk.waitForURL(/submitted=1/), clerk.click('button[value="submit"]')]);
    await clerk.waitForSelector('main .panel [data-status="submitted"]');
    expect(await clerk.textContent("main")).toContain("Đã gửi, chờ duyệt");

    // district: return with a reason
    const district = await (await browser.newContext({ locale: "vi-VN" })).newPage();
    await firstSignIn(district, c.district.username);
    await district.goto(`${s.baseUrl}/approvals`);
    await Promise.all([district.waitForURL(/\/submissions\/\d+$/), district.click(`a[href="${new URL(viewUrl).pathname}"]`)]);
    await district.waitForSelector("#reason");
    await district.fill("#reason", "Số hộ dân tộc Tày chưa khớp sổ hộ khẩu");
    await Promise.all([district.waitForURL(/done=return/), district.click('button[value="return"]')]);
    // the URL changes a moment before React commits the new page: wait for the state itself
    await district.waitForSelector('main .panel [data-status="returned"]');
    expect(await district.textContent("main")).toContain("Bị trả lại");

    // clerk: sees the reason, fixes, resubmits
    await clerk.goto(`${s.baseUrl}/forms`);
    expect(await clerk.textContent("tr[data-form='BM01-DANSO']")).toContain("Số hộ dân tộc Tày chưa khớp sổ hộ khẩu");
    await Promise.all([clerk.waitForURL(/\/edit/), clerk.click("tr[data-form='BM01-DANSO'] a")]);
    await clerk.waitForSelector('[data-testid="return-reason"]');
    expect(await clerk.textContent('[data-testid="return-reason"]')).toContain("chưa khớp");
    await clerk.fill(cell("HH:00:T"), "480");
    await clerk.fill(cell("HH:02:T"), "480");
    await Promise.all([clerk.waitForURL(/submitted=1/), clerk.click('button[value="submit"]')]);

    // district approves
    await district.goto(viewUrl);
    await Promise.all([district.waitForURL(/done=approve/), district.click('button[value="approve"]')]);
    await district.waitForSelector('main .panel [data-status="approved"]');
    expect(await district.textContent("main")).toContain("Đã phê duyệt");

    // province: completeness shows it approved
    const province = await (await browser.newContext({ locale: "vi-VN" })).newPage();
    await firstSignIn(province, c.province.username);
    await province.goto(`${s.baseUrl}/completeness?period=${periodId}&form=BM01-DANSO`);
    expect(await province.textContent('[data-testid="approved-count"]')).toBe("1");
    expect(await province.textContent(`tr[data-unit="${c.commune.name}"]`)).toContain("Đã phê duyệt");

    // the history on the submission
    await clerk.goto(viewUrl);
    const history = await clerk.textContent("table.transitions");
    expect(pageErrors).toEqual([]);
    expect(history).toContain("Số hộ dân tộc Tày chưa khớp sổ hộ khẩu");
    expect((await s.db("submission_transitions").join("submissions", "submissions.id", "submission_transitions.submission_id").where("submissions.unit_id", c.commune.id).pluck("to_status"))).toEqual(["draft", "submitted", "returned", "submitted", "approved"]);
  });
});
