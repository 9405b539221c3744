import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs/promises";
import { chromium, type Browser } from "playwright-core";
import ExcelJS from "exceljs";
import { startTestServer, type TestServer } from "../setup/server.ts";
import { TestClient } from "../setup/http.ts";
import { STRONG_PASSWORD, TEST_DEFAULT_PASSWORD } from "../setup/constants.ts";
import { seedDashboardData, loadWarehouse, poor, reviewed, type DashFixture } from "../integration/dashboards-fixture.ts";
import type { WarehouseService } from "../../warehouse/service.ts";

/**
 * A provincial leader in a real browser (Debian chromium, headless): opens
 * the province dashboard, changes the period, sees the charts change and
 * downloads the period report as XLSX, whose numbers match the page.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
let s: TestServer;
let wh: WarehouseService;
let fx: DashFixture;
let browser: Browser;

beforeAll(async () => {
  s = await startTestServer();
  fx = await seedDashboardData(s.db);
  wh = await loadWarehouse(s.db);
  (s.platform.services as { warehouse?: unknown }).warehouse = wh;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await s?.stop();
  await wh?.close();
});

const rate = (districtId: number, year: number) => {
  const cs = fx.communes.filter((c) => c.districtId === districtId);
  return (100 * cs.reduce((a, c) => a + poor(c.i, year), 0)) / cs.reduce((a, c) => a + reviewed(c.i), 0);
};
const vi = (n: number) => new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 2 }).format(n);

describe("province dashboard in a real browser", () => {
  it("leader changes the period, the charts change, the XLSX report downloads", async () => {
    const leader = (await s.db("users as u").join("units as un", "un.id", "u.unit_id").where("un.tier", "province").first("u.username")).username;
    const http = new TestClient(s.baseUrl);
    await http.loginAndSetPassword(leader, TEST_DEFAULT_PASSWORD, STRONG_PASSWORD);
    const context = await browser.newContext({ acceptDownloads: true, locale: "vi-VN", viewport: { width: 1280, height: 900 } });
    const host = new URL(s.baseUrl).hostname;
    await context.addCookies([...http.cookies].map(([name, value]) => ({ name, value, domain: host, path: "/" })));
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));

    await page.goto(`${s.baseUrl}/dashboards/province`);
    await expect.poll(() => page.locator("h1").first().textContent()).toContain("Tổng quan toàn tỉnh");
    const panel = page.locator('[data-panel="poverty-by-district"]');
    // the server SVG is replaced by the interactive chart
    await expect.poll(() => panel.locator('.chart[data-hydrated="1"] svg').count(), { timeout: 20_000 }).toBe(1);
    const [a] = fx.districts;
    const table = panel.locator("table");
    expect(await table.textContent()).toContain(vi(rate(a.id, 2024)));
    const svg2024 = await panel.locator(".chart").innerHTML();

    // change the period: the URL carries it, the numbers and the chart change
    await page.selectOption("#f-period", "2023");
    await page.waitForURL(/period=2023/);
    await expect.poll(() => table.textContent(), { timeout: 20_000 }).toContain(vi(rate(a.id, 2023)));
    await expect.poll(() => panel.locator('.chart[data-hydrated="1"] svg').count(), { timeout: 20_000 }).toBe(1);
    expect(await panel.locator(".chart").innerHTML()).not.toBe(svg2024);
    expect(await page.locator("#f-period").inputValue()).toBe("2023");

    // the report for the chosen period downloads as XLSX with the same numbers
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Excel" }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const file = await download.path();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await fs.readFile(file!) as never);
    const ws = wb.getWorksheet("Tỷ lệ hộ nghèo theo huyện")!;
    expect(ws).toBeTruthy();
    const all: string[] = [];
    ws.eachRow((r) => all.push(String(r.values)));
    expect(all.join("\n")).toContain("Năm 2023");
    // find district A's row below the header and compare the number (stored as a number)
    let found: number | null = null;
    ws.eachRow((r) => {
      if (r.getCell(1).value === a.name) found = r.getCell(2).value as number;
    });
    expect(typeof found).toBe("number");
    expect(found!).toBeCloseTo(rate(a.id, 2023), 6);
    expect(errors).toEqual([]);
    await context.close();
  });
});
