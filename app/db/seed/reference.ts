import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Db } from "../knex.server.ts";
import { parseCsvObjects } from "../../lib/csv.ts";
import { indicatorSeeds, departmentSectors } from "../reference/indicators.ts";
import { formSeeds } from "../reference/forms.ts";
import { validateTemplate, type CatalogueIndicator } from "../../forms/template.ts";
import { hashPassword } from "../../auth/password.server.ts";
import { unusablePasswordHash } from "../../security/initial-password.server.ts";
import { rolesForTier, type Tier } from "../../auth/roles.ts";

const refDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "reference");
const readCsv = async (name: string) => parseCsvObjects(await fs.readFile(path.join(refDir, name), "utf8"));

export interface SeedReport {
  unitsInserted: number;
  usersInserted: number;
  ethnicitiesInserted: number;
  indicatorsInserted: number;
  formsInserted: number;
  usernameChanges: { issued: string; normalised: string }[];
}

/** Issued usernames are kept exactly, except that spaces are removed and letters lower-cased. */
export function normaliseUsername(issued: string): string {
  return issued.replace(/\s+/g, "").toLowerCase();
}

export const PROVINCE_COMMITTEE_USERNAME = "bandantoctinh";
const VALID_FROM = "2020-01-01"; // the 2020 commune mergers in Cao Bằng are the state the 2022 list describes

/**
 * Seed the province's reference data. Idempotent: rows are matched on their
 * natural keys (unit code, username, ethnicity code, indicator code, form
 * code + version) and never overwritten, so a second run changes nothing.
 */
export async function seedReference(db: Db, opts: { defaultPassword: string; production?: boolean }): Promise<SeedReport> {
  const report: SeedReport = { unitsInserted: 0, usersInserted: 0, ethnicitiesInserted: 0, indicatorsInserted: 0, formsInserted: 0, usernameChanges: [] };
  const accounts = await readCsv("cao_bang_accounts_2022.csv");
  const gso = new Map((await readCsv("cao_bang_units_2024.csv")).map((u) => [u.code, u]));

  await db.transaction(async (trx) => {
    // --- units -----------------------------------------------------------
    const insertUnit = async (u: {
      code: string; gso_code: string | null; name: string; letter_name: string | null; tier: Tier; kind: string;
      parent: { id: number; path: string } | null; sector_domains?: string[];
    }) => {
      const existing = await trx("units").where({ code: u.code }).first("id", "path");
      if (existing) return existing as { id: number; path: string };
      const [row] = await trx("units")
        .insert({
          code: u.code, gso_code: u.gso_code, name: u.name, letter_name: u.letter_name,
          aliases: u.letter_name ? [u.letter_name] : [], tier: u.tier, kind: u.kind,
          parent_id: u.parent?.id ?? null, path: "pending", sector_domains: u.sector_domains ?? [], valid_from: VALID_FROM,
        })
        .returning(["id"]);
      const p = `${u.parent?.path ?? "/"}${row.id}/`;
      await trx("units").where({ id: row.id }).update({ path: p });
      report.unitsInserted++;
      return { id: row.id as number, path: p };
    };

    const provinceRow = gso.get("04")!;
    const root = await insertUnit({ code: "04", gso_code: "04", name: "Ban Dân tộc tỉnh Cao Bằng", letter_name: "Ban Dân tộc tỉnh", tier: "province", kind: "Ban Dân tộc", parent: null });
    void provinceRow;
    const unitByUsername = new Map<string, number>();
    const districtByName = new Map<string, { id: number; path: string }>();
    let dep = 0;
    for (const a of accounts.filter((a) => a.tier === "department")) {
      const username = normaliseUsername(a.username_as_issued);
      if (username === PROVINCE_COMMITTEE_USERNAME) {
        unitByUsername.set(username, root.id);
        continue;
      }
      dep++;
      const u = await insertUnit({
        code: `SN${String(dep).padStart(2, "0")}`, gso_code: null, name: a.unit_name, letter_name: null, tier: "department",
        kind: /^Sở/.test(a.unit_name) ? "Sở" : "Ban, ngành", parent: root, sector_domains: departmentSectors[username] ?? [],
      });
      unitByUsername.set(username, u.id);
    }
    for (const a of accounts.filter((a) => a.tier === "district")) {
      const off = gso.get(a.gso_code);
      if (!off) throw new Error(`district ${a.unit_name}: GSO code ${a.gso_code} not in the unit list`);
      const u = await insertUnit({ code: a.gso_code, gso_code: a.gso_code, name: off.name, letter_name: off.name !== a.unit_name ? a.unit_name : null, tier: "district", kind: off.type, parent: root });
      unitByUsername.set(normaliseUsername(a.username_as_issued), u.id);
      districtByName.set(a.district || a.unit_name, u);
      districtByName.set(a.gso_code, u);
    }
    for (const a of accounts.filter((a) => a.tier === "commune")) {
      const off = gso.get(a.gso_code);
      if (!off) throw new Error(`commune ${a.unit_name}: GSO code ${a.gso_code} not in the unit list`);
      const parent = districtByName.get(off.parent_code);
      if (!parent) throw new Error(`commune ${a.unit_name}: district ${off.parent_code} missing`);
      const u = await insertUnit({ code: a.gso_code, gso_code: a.gso_code, name: off.name, letter_name: off.name !== a.unit_name ? a.unit_name : null, tier: "commune", kind: off.type, parent });
      unitByUsername.set(normaliseUsername(a.username_as_issued), u.id);
    }

    // --- accounts (one per unit) ------------------------------------------
    const existingUsers = new Set((await trx("users").select("username")).map((r) => r.username as string));
    const toCreate = accounts.filter((a) => !existingUsers.has(normaliseUsername(a.username_as_issued)));
    // Outside production, one argon2id hash of the regulation's shared default password
    // serves every new account (public by regulation, changed at first sign-in). In
    // production no password works until the admin issues a one-time initial password.
    const defaultHash = !toCreate.length ? "" : opts.production ? unusablePasswordHash() : await hashPassword(opts.defaultPassword);
    for (const a of accounts) {
      const username = normaliseUsername(a.username_as_issued);
      if (username !== a.username_as_issued) report.usernameChanges.push({ issued: a.username_as_issued, normalised: username });
      if (existingUsers.has(username)) continue;
      const tier: Tier = username === PROVINCE_COMMITTEE_USERNAME ? "province" : (a.tier as Tier);
      await trx("users").insert({
        username, username_as_issued: a.username_as_issued, unit_id: unitByUsername.get(username),
        roles: rolesForTier(tier), password_hash: defaultHash, must_change_password: true,
      });
      report.usersInserted++;
    }

    // --- ethnicities ------------------------------------------------------
    const eth = await readCsv("ethnicities.csv");
    for (const [i, e] of eth.entries()) {
      const r = await trx("ethnicities")
        .insert({
          code: e.code, name_vi: e.name_vi, name_en: e.name_en, other_names: e.other_names || null, is_minority: e.is_minority === "1",
          pop_vn_2019: e.pop_vn_2019 ? Number(e.pop_vn_2019) : null, pop_caobang_2019: e.pop_caobang_2019 ? Number(e.pop_caobang_2019) : null, sort_order: i + 1,
        })
        .onConflict("code").ignore().returning("code");
      report.ethnicitiesInserted += r.length;
    }

    // --- indicators -------------------------------------------------------
    for (const ind of indicatorSeeds) {
      const r = await trx("indicators").insert(ind).onConflict("code").ignore().returning("id");
      report.indicatorsInserted += r.length;
    }
    const catalogue = new Map<string, CatalogueIndicator>(
      (await trx("indicators").select("code", "aggregation", "disaggregation", "value_type")).map((i) => [i.code, i]),
    );

    // --- forms ------------------------------------------------------------
    for (const f of formSeeds) {
      const v = validateTemplate(f, catalogue);
      if (!v.ok) throw new Error(`seed form ${f.code} is invalid: ${JSON.stringify(v.issues)}`);
      const r = await trx("form_templates")
        .insert({ code: f.code, version: 1, title_vi: f.title_vi, title_en: f.title_en, definition: JSON.stringify(v.definition), status: "published", published_at: trx.fn.now() })
        .onConflict(["code", "version"]).ignore().returning("id");
      report.formsInserted += r.length;
    }
  });
  return report;
}
