import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Validator } from "@seriousme/openapi-schema-validator";
import { startTestServer, type TestServer } from "../setup/server.ts";
import { TestClient } from "../setup/http.ts";
import { STRONG_PASSWORD, TEST_DEFAULT_PASSWORD } from "../setup/constants.ts";
import { enrolTotp, passMfa } from "./security-helpers.ts";
import { seedDashboardData, loadWarehouse, poor, reviewed, type DashFixture } from "./dashboards-fixture.ts";
import type { WarehouseService } from "../../warehouse/service.ts";
import { createApiToken, hashToken } from "../../app/api/tokens.server.ts";
import { parseCsv } from "../../app/lib/csv.ts";

/**
 * The data-sharing API over HTTP on the real platform (both listeners, the
 * Remix build), with the warehouse loaded by the real ETL from approved data.
 */
let s: TestServer;
let fx: DashFixture;
let wh: WarehouseService;
let provinceToken = "";
let districtToken = "";
let admin: TestClient;

beforeAll(async () => {
  s = await startTestServer();
  fx = await seedDashboardData(s.db);
  wh = await loadWarehouse(s.db);
  (s.platform.services as { warehouse?: unknown }).warehouse = wh;
  provinceToken = (await createApiToken(s.db, { clientName: "UBDT thử nghiệm", unitId: fx.provinceId, createdBy: null })).token;
  // the district token is created by the administrator on the admin page
  const first = new TestClient(s.adminUrl);
  const adminName = (await s.db("users as u").join("units as un", "un.id", "u.unit_id").where("un.tier", "province").first("u.username")).username;
  await first.loginAndSetPassword(adminName, TEST_DEFAULT_PASSWORD, STRONG_PASSWORD);
  const key = await enrolTotp(s.db, adminName, s.config.APP_SECRET);
  admin = new TestClient(s.adminUrl);
  await admin.login(adminName, STRONG_PASSWORD);
  expect((await passMfa(admin, key)).status).toBe(302);
  await admin.get("/admin/api-tokens");
  const res = await admin.post("/admin/api-tokens", { intent: "create", clientName: "LGSP huyện", unitId: String(fx.districts[0].id), rate: "600", expiresDays: "30" });
  expect(res.status).toBe(200);
  districtToken = (await res.text()).match(/data-testid="new-token"[^>]*>(csdl_[a-z0-9]+)</)?.[1] ?? "";
  expect(districtToken).toMatch(/^csdl_/);
}, 240_000);
afterAll(async () => {
  await s?.stop();
  await wh?.close();
});

const api = (path: string, token?: string) => fetch(`${s.baseUrl}/api/v1${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const round = (v: number) => Math.round(v * 100) / 100;

describe("tokens", () => {
  it("are stored hashed, never in clear", async () => {
    const rows = await s.db("api_tokens").select("token_hash", "token_prefix");
    expect(rows.map((r) => r.token_hash)).toContain(hashToken(districtToken));
    expect(JSON.stringify(rows)).not.toContain(districtToken);
  });

  it("a token is required; a wrong one is refused", async () => {
    const none = await api("/indicators");
    expect(none.status).toBe(401);
    expect((await none.json()).error).toBe("unauthorized");
    expect((await api("/indicators", "csdl_nottherightone")).status).toBe(401);
  });
});

describe("lists", () => {
  it("indicators, ethnicities and periods", async () => {
    const ind = await (await api("/indicators", provinceToken)).json();
    expect(ind.data.map((i: { code: string }) => i.code)).toContain("POVERTY_RATE");
    const eth = await (await api("/ethnicities", provinceToken)).json();
    expect(eth.data.find((e: { code: string }) => e.code === "02").name_vi).toBe("Tày");
    const per = await (await api("/periods", provinceToken)).json();
    expect(per.data.map((p: { code: string }) => p.code).sort()).toEqual(["2023", "2024"]);
  });

  it("units only within the token's scope", async () => {
    const a = fx.districts[0];
    const r = await (await api("/units", districtToken)).json();
    expect(r.data.map((u: { id: number }) => u.id).sort()).toEqual(
      (await s.db("units").where("path", "like", `${a.path}%`).pluck("id")).sort(),
    );
    const districts = await (await api("/units?tier=district", provinceToken)).json();
    expect(districts.data).toHaveLength(10);
  });
});

describe("values", () => {
  const q = "/values?indicators=POVERTY_RATE&groupBy=unit&unitLevel=district&periods=2024";
  const expectedRate = (districtId: number) => {
    const cs = fx.communes.filter((c) => c.districtId === districtId);
    return round((100 * cs.reduce((a, c) => a + poor(c.i, 2024), 0)) / cs.reduce((a, c) => a + reviewed(c.i), 0));
  };

  it("province token: both districts, ratios recomputed from sums", async () => {
    const r = await (await api(q, provinceToken)).json();
    expect(r.data.map((x: { unitId: number; value: number }) => [x.unitId, round(x.value)]).sort()).toEqual(fx.districts.map((d) => [d.id, expectedRate(d.id)]).sort());
    expect(r.meta.dataAsOf).toBeTruthy();
  });

  it("district token: only its own district; another district named → 403", async () => {
    const [a, b] = fx.districts;
    const r = await (await api(q, districtToken)).json();
    expect(r.data.map((x: { unitId: number }) => x.unitId)).toEqual([a.id]);
    const out = await api(`${q}&units=${b.id}`, districtToken);
    expect(out.status).toBe(403);
    expect((await out.json()).error).toBe("out_of_scope");
  });

  it("CSV: UTF-8 with BOM, Vietnamese headers and names", async () => {
    const res = await api(`${q}&format=csv`, provinceToken);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(new TextDecoder().decode(bytes));
    expect(rows[0]).toContain("Đơn vị");
    expect(rows.slice(1).map((r) => r[4]).sort()).toEqual(fx.districts.map((d) => d.name).sort());
  });

  it("bad parameters → 400 naming each one", async () => {
    const r = await api("/values?indicators=poverty&groupBy=unit,colour&limit=0&foo=1", provinceToken);
    expect(r.status).toBe(400);
    const body = await r.json();
    expect(body.issues.map((i: { param: string }) => i.param).sort()).toEqual(["foo", "groupBy", "indicators", "limit"]);
    expect(body.message).toContain("groupBy: phần tử 2");
    const missing = await (await api("/values?groupBy=unit", provinceToken)).json();
    expect(missing.message).toContain("indicators: bắt buộc");
    const unknown = await api("/values?indicators=NO_SUCH_CODE", provinceToken);
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).message).toContain("NO_SUCH_CODE");
    expect((await api("/units?tier=village", provinceToken)).status).toBe(400);
  });

  it("writes an audit line per call", async () => {
    const before = Number((await s.db("audit_log").where({ action: "api.call" }).count({ n: "*" }))[0].n);
    await api("/periods", districtToken);
    const lines = await s.db("audit_log").where({ action: "api.call" }).orderBy("id", "desc").limit(1);
    expect(Number((await s.db("audit_log").where({ action: "api.call" }).count({ n: "*" }))[0].n)).toBe(before + 1);
    expect(lines[0].actor_username).toBe("api:LGSP huyện");
    expect(lines[0].target_id).toBe("/api/v1/periods");
    expect(lines[0].details).toMatchObject({ status: 200 });
  });
});

describe("limits and revocation", () => {
  it("rate-limited per token: 429 with Retry-After", async () => {
    const slow = (await createApiToken(s.db, { clientName: "chậm", unitId: fx.provinceId, createdBy: null, ratePerMinute: 3 })).token;
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await api("/periods", slow)).status);
    expect(codes).toEqual([200, 200, 200, 429]);
    const r = await api("/periods", slow);
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("a revoked token is refused", async () => {
    const id = (await s.db("api_tokens").where({ token_hash: hashToken(districtToken) }).first("id")).id;
    await admin.get("/admin/api-tokens");
    expect((await admin.post("/admin/api-tokens", { intent: "revoke", id: String(id) })).status).toBe(200);
    const r = await api("/periods", districtToken);
    expect(r.status).toBe(401);
    expect((await r.json()).message).toContain("thu hồi");
  });
});

describe("OpenAPI document", () => {
  it("is valid OpenAPI 3 and every path it lists answers", async () => {
    const res = await fetch(`${s.baseUrl}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    const v = new Validator();
    const result = await v.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    for (const p of Object.keys(doc.paths)) {
      const r = await api(p === "/values" ? "/values?indicators=POP" : p, provinceToken);
      expect(r.status, p).toBe(200);
    }
  });
});
