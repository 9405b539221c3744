import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import { createTestDb, type TestDb } from "../setup/db.ts";
import { seedReference, normaliseUsername } from "../../app/db/seed/reference.ts";
import { parseCsvObjects } from "../../app/lib/csv.ts";
import { TEST_DEFAULT_PASSWORD } from "../setup/constants.ts";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.drop());

describe("reference seed (Cao Bằng)", () => {
  it("has the unit hierarchy of the 2022 account list, tier by tier", async () => {
    const counts = Object.fromEntries(
      (await t.db("units").select("tier").count({ n: "*" }).groupBy("tier")).map((r: Record<string, unknown>) => [r.tier, Number(r.n)]),
    );
    expect(counts).toEqual({ province: 1, department: 17, district: 10, commune: 161 });
    const root = await t.db("units").where({ tier: "province" }).first();
    expect(root.name).toBe("Ban Dân tộc tỉnh Cao Bằng");
    // every commune hangs under a district, whose parent is the province
    const orphans = await t.db("units as c").join("units as d", "d.id", "c.parent_id").where("c.tier", "commune").whereNot("d.tier", "district").count({ n: "*" });
    expect(Number(orphans[0].n)).toBe(0);
  });

  it("creates every issued username, normalising only the two malformed ones", async () => {
    const issued = parseCsvObjects(fs.readFileSync("app/db/reference/cao_bang_accounts_2022.csv", "utf8"));
    const usernames = new Set((await t.db("users").select("username")).map((r) => r.username));
    expect(usernames.size).toBe(189);
    for (const a of issued) expect(usernames.has(normaliseUsername(a.username_as_issued))).toBe(true);
    expect(usernames.has("nganhangchinhsachxahoitinh")).toBe(true);
    expect(usernames.has("huyennguyenbinh.thitrantinhtuc")).toBe(true);
    expect(usernames.has("huyenhoaan.xanamtuan")).toBe(true);
    const changed = issued.filter((a) => normaliseUsername(a.username_as_issued) !== a.username_as_issued);
    expect(changed.map((a) => a.username_as_issued).sort()).toEqual(["huyennguyenbinh.thitrantinh Tuc", "nganhangchinh sach xahoi tinh"]);
  });

  it("keeps official GSO names and the letter's spelling as an alias", async () => {
    const theDuc = await t.db("units").where({ name: "Xã Thể Dục" }).first();
    expect(theDuc.letter_name).toBe("Xã Thử Dục");
    expect(theDuc.aliases).toContain("Xã Thử Dục");
    const withAlias = await t.db("units").whereNotNull("letter_name").where("tier", "commune").count({ n: "*" });
    // 13 names differ from GSO: 11 spellings and 2 tone placements (Hòa/Hoà, Thủy/Thuỷ); all kept searchable
    expect(Number(withAlias[0].n)).toBe(13);
  });

  it("has the 54 ethnic groups with official codes", async () => {
    const groups = await t.db("ethnicities").where("code", "<=", "54").orderBy("code");
    expect(groups).toHaveLength(54);
    expect(groups[0]).toMatchObject({ code: "01", name_vi: "Kinh" });
    expect(groups.find((g) => g.code === "02")?.name_vi).toBe("Tày");
  });

  it("is idempotent: a second run changes nothing", async () => {
    const before = await t.db("units").count({ n: "*" });
    const report = await seedReference(t.db, { defaultPassword: TEST_DEFAULT_PASSWORD });
    expect(report).toMatchObject({ unitsInserted: 0, usersInserted: 0, ethnicitiesInserted: 0, indicatorsInserted: 0, formsInserted: 0 });
    expect(await t.db("units").count({ n: "*" })).toEqual(before);
  });
});
