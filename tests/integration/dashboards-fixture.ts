import type { Db } from "../../app/db/knex.server.ts";
import { openWarehouse, type WarehouseService } from "../../warehouse/service.ts";
import { createEtlRunner } from "../../etl/runner.ts";

/**
 * Approved data in the seeded Cao Bằng database, loaded into a warehouse by
 * the real ETL. Two districts (the first two by GSO code), two communes each;
 * years 2023 and 2024; BM02 poverty (Tày "02" + Kinh "01") and BM01
 * population (by ethnicity and sex). Numbers follow the formulas below so
 * tests can compute expectations.
 */
export interface DashFixture {
  districts: { id: number; name: string; code: string; path: string }[];
  communes: { id: number; name: string; code: string; districtId: number; path: string; i: number }[];
  provinceId: number;
}

export const reviewed = (i: number) => 200 * (i + 1); // households reviewed, commune i
export const poor = (i: number, year: number) => (year === 2024 ? 20 : 40) * (i + 1) + 15 * i * (i % 2); // poor households
export const tayShare = 0.6; // of each total
export const pop = (i: number) => ({ M: 500 + 10 * i, F: 520 + 10 * i });

export async function seedDashboardData(db: Db): Promise<DashFixture> {
  const province = await db("units").where({ tier: "province" }).first("id");
  const districts = await db("units").where({ tier: "district" }).orderBy("code").limit(2).select("id", "name", "code", "path");
  const communes: DashFixture["communes"] = [];
  for (const d of districts) {
    const cs = await db("units").where({ parent_id: d.id, tier: "commune" }).orderBy("code").limit(2).select("id", "name", "code", "path");
    for (const c of cs) communes.push({ ...c, districtId: d.id, i: communes.length });
  }
  const tpl = Object.fromEntries((await db("form_templates").where({ version: 1 }).select("code", "id")).map((t) => [t.code, t.id]));
  const ind = Object.fromEntries((await db("indicators").select("code", "id")).map((t) => [t.code, t.id]));
  for (const year of [2023, 2024]) {
    const [p] = await db("periods")
      .insert({
        code: String(year), type: "year", year, start_date: `${year}-01-01`, end_date: `${year}-12-31`, reference_date: `${year}-12-31`,
        deadline: `${year + 1}-01-31`, status: "locked", label_vi: `Năm ${year}`, label_en: `Year ${year}`,
      })
      .returning("id");
    // both forms are expected from every commune of the province (completeness denominators)
    for (const form of ["BM01-DANSO", "BM02-NGHEO"]) await db("period_forms").insert({ period_id: p.id, form_code: form, template_id: tpl[form], tier: "commune" });
    for (const c of communes) {
      const split = (total: number) => {
        const tay = Math.round(total * tayShare);
        return [["00", total], ["02", tay], ["01", total - tay]] as const;
      };
      const values: { indicator_id: number; ethnicity_code: string; sex: string; value: number }[] = [];
      for (const [e, v] of split(reviewed(c.i))) values.push({ indicator_id: ind.HH_REVIEWED, ethnicity_code: e, sex: "T", value: v });
      for (const [e, v] of split(poor(c.i, year))) values.push({ indicator_id: ind.HH_POOR, ethnicity_code: e, sex: "T", value: v });
      const sub = async (form: string, vals: typeof values) => {
        const [s] = await db("submissions")
          .insert({
            period_id: p.id, form_code: form, template_id: tpl[form], unit_id: c.id, approver_unit_id: c.districtId, status: "approved",
            submitted_at: `${year + 1}-01-10T00:00:00Z`, first_submitted_at: `${year + 1}-01-10T00:00:00Z`, approved_at: `${year + 1}-01-12T00:00:00Z`,
          })
          .returning("id");
        await db("submission_values").insert(vals.map((v) => ({ ...v, submission_id: s.id })));
      };
      await sub("BM02-NGHEO", values);
      const pv: typeof values = [];
      const pp = pop(c.i);
      for (const sex of ["M", "F"] as const) for (const [e, v] of split(pp[sex])) pv.push({ indicator_id: ind.POP, ethnicity_code: e, sex, value: v });
      for (const [e, v] of split(reviewed(c.i) + 50)) pv.push({ indicator_id: ind.HH, ethnicity_code: e, sex: "T", value: v });
      await sub("BM01-DANSO", pv);
    }
  }
  return { districts, communes, provinceId: province.id };
}

/** A warehouse loaded from the database by a full ETL run. */
export async function loadWarehouse(db: Db, path = ":memory:"): Promise<WarehouseService> {
  const wh = await openWarehouse({ path });
  const r = await createEtlRunner({ db, warehouse: wh }).run({ mode: "full" });
  if (r.status !== "succeeded") throw new Error(`ETL failed: ${r.error} ${JSON.stringify(r.checks.filter((c) => c.rows > 0))}`);
  return wh;
}
