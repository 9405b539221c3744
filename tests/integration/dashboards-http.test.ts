import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../setup/server.ts";
import { TestClient } from "../setup/http.ts";
import { STRONG_PASSWORD, TEST_DEFAULT_PASSWORD } from "../setup/constants.ts";
import { seedDashboardData, loadWarehouse, type DashFixture } from "./dashboards-fixture.ts";
import type { WarehouseService } from "../../warehouse/service.ts";
import ExcelJS from "exceljs";

/** Dashboards and analysis over HTTP, per role: scope from the session, never from the URL. */
let s: TestServer;
let wh: WarehouseService;
let fx: DashFixture;
const clients: Record<string, TestClient> = {};

async function as(unitId: number): Promise<TestClient> {
  const username = (await s.db("users").where({ unit_id: unitId }).first("username")).username as string;
  if (!clients[username]) {
    const c = new TestClient(s.baseUrl);
    await c.loginAndSetPassword(username, TEST_DEFAULT_PASSWORD, STRONG_PASSWORD);
    clients[username] = c;
  }
  return clients[username];
}

beforeAll(async () => {
  s = await startTestServer();
  fx = await seedDashboardData(s.db);
  wh = await loadWarehouse(s.db);
  (s.platform.services as { warehouse?: unknown }).warehouse = wh;
}, 240_000);
afterAll(async () => {
  await s?.stop();
  await wh?.close();
});

describe("dashboards by role", () => {
  it("a district sees its own communes; another district's unit in the URL is refused", async () => {
    const [a, b] = fx.districts;
    const c = await as(a.id);
    const html = await c.page("/dashboards/district?period=2024");
    for (const cm of fx.communes.filter((x) => x.districtId === a.id)) expect(html).toContain(cm.name);
    for (const cm of fx.communes.filter((x) => x.districtId === b.id)) expect(html).not.toContain(cm.name);
    expect((await c.get(`/dashboards/district?unit=${b.id}`)).status).toBe(403);
    const other = fx.communes.find((x) => x.districtId === b.id)!;
    expect((await c.get(`/dashboards/district/export?unit=${other.id}&format=csv&panel=commune-poverty-ranking`)).status).toBe(403);
  });

  it("a commune sees its own profile", async () => {
    const cm = fx.communes[0];
    const c = await as(cm.id);
    const html = await c.page("/dashboards/commune?period=2024");
    expect(html).toContain(cm.name);
    expect(html).toContain("Các chỉ tiêu chính");
    expect((await c.get(`/dashboards/commune?unit=${fx.communes[1].id}`)).status).toBe(403);
  });

  it("demo periods are labelled", async () => {
    await s.db("periods").where({ code: "2023" }).update({ is_demo: true });
    const c = await as(fx.provinceId);
    expect(await c.page("/dashboards/province?period=2023")).toContain("Dữ liệu mẫu");
    expect(await c.page("/dashboards/province?period=2024")).not.toContain('class="badge badge-demo"');
    await s.db("periods").where({ code: "2023" }).update({ is_demo: false });
  });

  it("a panel downloads as CSV with BOM and as a PDF report", async () => {
    const c = await as(fx.provinceId);
    const csv = await c.get("/dashboards/province/export?period=2024&format=csv&panel=poverty-by-district");
    expect(csv.status).toBe(200);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes)).toContain(fx.districts[0].name);
    const pdf = await c.get("/dashboards/province/export?period=2024&format=pdf");
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");
    expect((await c.get("/dashboards/province/export?format=exe")).status).toBe(400);
    // the XLSX period report: tables plus each chart as a PNG image on its panel's sheet
    const xr = await c.get("/dashboards/province/export?period=2024&format=xlsx");
    expect(xr.headers.get("content-type")).toContain("spreadsheetml");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xr.arrayBuffer()) as never);
    const images = wb.worksheets.flatMap((ws) => ws.getImages());
    expect(images.length).toBeGreaterThanOrEqual(3);
    for (const im of images) expect([...Buffer.from(wb.getImage(Number(im.imageId)).buffer as unknown as Uint8Array).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const pq = await c.get("/dashboards/province/export?period=2024&format=parquet&panel=poverty-by-district");
    expect(Buffer.from(await pq.arrayBuffer()).subarray(0, 4).toString()).toBe("PAR1");
    const arrow = await c.get("/dashboards/province/export?period=2024&format=arrow&panel=poverty-by-district");
    expect(Buffer.from(await arrow.arrayBuffer()).subarray(0, 6).toString()).toBe("ARROW1");
  });
});

describe("analysis by role", () => {
  it("an analyst gets a pivot and its download; a commune (no analyst role) is refused", async () => {
    const c = await as(fx.districts[0].id);
    const html = await c.page("/analysis?indicators=POVERTY_RATE&rows=unit&unitLevel=commune&periods=2024");
    expect(html).toContain("Tổng cộng");
    for (const cm of fx.communes.filter((x) => x.districtId === fx.districts[0].id)) expect(html).toContain(cm.name);
    const x = await c.get("/analysis/export?indicators=POVERTY_RATE&rows=unit&unitLevel=commune&periods=2024&format=xlsx");
    expect(x.headers.get("content-type")).toContain("spreadsheetml");
    const bad = await c.page("/analysis?indicators=POVERTY_RATE&rows=colour");
    expect(bad).toContain("rows");
    const commune = await as(fx.communes[0].id);
    expect((await commune.get("/analysis?indicators=POP")).status).toBe(403);
  });
});
