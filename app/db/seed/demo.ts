import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Knex } from "knex";
import type { Db } from "../knex.server.ts";
import { parseCsvObjects } from "../../lib/csv.ts";

/**
 * Demo data for a first-time user (issue 2, item 3): yearly periods 2023 and
 * 2024 (locked) with every commune's BM01, BM02, BM03, BM05 and every
 * district's BM04 approved, with their workflow history; and an open 2025
 * period with a realistic mix of statuses. Every submission and period is
 * is_demo = true.
 *
 * Figures are plausible and consistent: commune populations come from the
 * 2025 communes' population (cao_bang_units_2025.csv) split over the old
 * communes they were formed from (cao_bang_mapping_2024_to_2025.csv); ethnic
 * shares follow the 2019 census for the province (…population_by_ethnicity_2019.csv),
 * varied per commune with a seeded PRNG, so the data is the same on every
 * machine. Ethnic groups add up to the totals, M + F = T, and every "≤" rule
 * of the forms holds.
 *
 * Idempotent: does nothing when the database already has any submission.
 */
const REF_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "reference");

export interface DemoReport {
  skipped: boolean;
  periods: number;
  submissions: number;
  values: number;
  transitions: number;
}

/** mulberry32: small, fast, deterministic. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    between: (lo: number, hi: number) => lo + (hi - lo) * next(),
    int: (lo: number, hi: number) => Math.floor(lo + (hi - lo + 1) * next()),
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
  };
}
type Rng = ReturnType<typeof prng>;

/** Split an integer total by weights, exactly (largest remainder). */
export function splitInteger(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const raw = weights.map((w) => (total * w) / sum);
  const out = raw.map(Math.floor);
  let rest = total - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (rest <= 0) break;
    out[i]!++;
    rest--;
  }
  return out;
}

// Poverty, illiteracy and child marriage differ by group (DT53 2019 orders of magnitude).
const PROFILE: Record<string, { poor: number; near: number; illit: number; child: number; hhSize: number }> = {
  "01": { poor: 0.04, near: 0.05, illit: 0.01, child: 0.02, hhSize: 3.7 },
  "02": { poor: 0.16, near: 0.12, illit: 0.05, child: 0.06, hhSize: 4.1 },
  "07": { poor: 0.2, near: 0.13, illit: 0.07, child: 0.08, hhSize: 4.3 },
  "08": { poor: 0.55, near: 0.15, illit: 0.32, child: 0.28, hhSize: 5.6 },
  "09": { poor: 0.42, near: 0.15, illit: 0.18, child: 0.18, hhSize: 5.0 },
  "15": { poor: 0.25, near: 0.13, illit: 0.08, child: 0.1, hhSize: 4.5 },
  "43": { poor: 0.45, near: 0.15, illit: 0.2, child: 0.15, hhSize: 5.0 },
};
const DEFAULT_PROFILE = { poor: 0.2, near: 0.12, illit: 0.08, child: 0.08, hhSize: 4.3 };

interface CommuneProfile {
  unitId: number;
  districtId: number;
  pop2024: number;
  groups: { code: string; weight: number; hhSize: number; poorFactor: number }[];
  villages: number;
  healthStd: number;
}

type Cells = Map<string, number>; // "IND:eth:sex" → value

const key = (ind: string, eth: string, sex = "T") => `${ind}:${eth}:${sex}`;

function communeCells(form: string, c: CommuneProfile, year: number, rng: Rng): Cells {
  const cells: Cells = new Map();
  const t = year - 2024;
  const pop = Math.round(c.pop2024 * Math.pow(1.009, t));
  const gPop = splitInteger(pop, c.groups.map((g) => g.weight));
  const present = c.groups.map((g, i) => ({ ...g, pop: gPop[i]! })).filter((g) => g.pop > 0);
  const hh = present.map((g) => Math.max(1, Math.min(g.pop, Math.round(g.pop / g.hhSize))));
  const put = (ind: string, eth: string, v: number, sex = "T") => cells.set(key(ind, eth, sex), v);
  const byGroup = (ind: string, values: number[]) => {
    present.forEach((g, i) => put(ind, g.code, values[i]!));
    put(ind, "00", values.reduce((a, b) => a + b, 0));
  };
  const bySex = (ind: string, values: number[]) => {
    let m0 = 0;
    let f0 = 0;
    present.forEach((g, i) => {
      const m = Math.round(values[i]! * rng.between(0.48, 0.52));
      const f = values[i]! - m;
      put(ind, g.code, m, "M");
      put(ind, g.code, f, "F");
      put(ind, g.code, m + f, "T");
      m0 += m;
      f0 += f;
    });
    put(ind, "00", m0, "M");
    put(ind, "00", f0, "F");
    put(ind, "00", m0 + f0, "T");
  };
  const prof = (code: string) => PROFILE[code] ?? DEFAULT_PROFILE;

  switch (form) {
    case "BM01-DANSO":
      bySex("POP", present.map((g) => g.pop));
      byGroup("HH", hh);
      break;
    case "BM02-NGHEO": {
      // poverty falls ~2 points a year (multidimensional standard 2022–2025)
      const poor = present.map((g, i) => Math.round(hh[i]! * Math.max(0.01, prof(g.code).poor * g.poorFactor - 0.02 * (t + 1))));
      const near = present.map((g, i) => Math.min(hh[i]! - poor[i]!, Math.round(hh[i]! * prof(g.code).near * rng.between(0.8, 1.2))));
      const escaped = present.map((_, i) => Math.round(poor[i]! * rng.between(0.08, 0.2)));
      byGroup("HH_REVIEWED", hh);
      byGroup("HH_POOR", poor);
      byGroup("HH_NEAR_POOR", near);
      byGroup("HH_ESCAPED_POVERTY", escaped);
      break;
    }
    case "BM03-HATANG": {
      const grid = Math.min(c.villages, Math.round(c.villages * Math.min(1, rng.between(0.82, 1.0) + 0.03 * t)));
      const paved = Math.min(c.villages, Math.round(c.villages * Math.min(1, rng.between(0.55, 0.92) + 0.04 * t)));
      put("VILLAGES", "00", c.villages);
      put("VILLAGES_GRID", "00", grid);
      put("VILLAGES_PAVED_ROAD", "00", paved);
      put("HEALTH_STATION_STD", "00", t >= 0 ? Math.max(c.healthStd, rng.next() < 0.1 ? 1 : 0) : c.healthStd);
      byGroup("HH_CLEAN_WATER", hh.map((h) => Math.min(h, Math.round(h * Math.min(1, rng.between(0.7, 0.95) + 0.02 * t)))));
      break;
    }
    case "BM05-XAHOI": {
      bySex("PUPILS", present.map((g) => Math.round(g.pop * rng.between(0.17, 0.23))));
      const p15 = present.map((g) => Math.round(g.pop * rng.between(0.68, 0.76)));
      byGroup("POP_15PLUS", p15);
      byGroup("ILLITERATE_15PLUS", present.map((g, i) => Math.round(p15[i]! * prof(g.code).illit * rng.between(0.7, 1.3) * Math.pow(0.95, t + 1))));
      const marriages = present.map((g) => Math.round(g.pop * rng.between(0.006, 0.01)));
      byGroup("MARRIAGES", marriages);
      byGroup("CHILD_MARRIAGES", present.map((g, i) => Math.min(marriages[i]!, Math.round(marriages[i]! * prof(g.code).child * rng.between(0.6, 1.4)))));
      break;
    }
  }
  return cells;
}

function districtCells(districtPop: number, year: number, rng: Rng): Cells {
  const t = year - 2024;
  const allocated = Math.round(districtPop * rng.between(0.35, 0.6) * (1 + 0.1 * t) * 10) / 10; // million VND
  const disbursed = Math.round(allocated * Math.min(0.98, rng.between(0.55, 0.9) + 0.05 * t) * 10) / 10;
  return new Map([
    [key("P1719_ALLOCATED", "00"), allocated],
    [key("P1719_DISBURSED", "00"), disbursed],
    [key("HH_HOUSING_SUPPORT", "00"), Math.round(districtPop / rng.between(150, 400))],
    [key("HH_LAND_SUPPORT", "00"), Math.round(districtPop / rng.between(400, 1200))],
    [key("EM_DEPUTIES", "00"), rng.int(22, 36)],
  ]);
}

async function ensurePeriod(trx: Knex.Transaction, year: number, status: "locked" | "open", now: Date): Promise<number> {
  const code = String(year);
  const existing = await trx("periods").where({ code }).first("id");
  if (existing) return existing.id as number;
  const day = 86_400_000;
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  const open = status === "open";
  const [row] = await trx("periods")
    .insert({
      code,
      type: "year",
      year,
      start_date: `${year}-01-01`,
      end_date: `${year}-12-31`,
      reference_date: `${year}-12-31`,
      entry_opens_on: open ? iso(new Date(now.getTime() - 25 * day)) : `${year + 1}-01-02`,
      deadline: open ? iso(new Date(now.getTime() + 20 * day)) : `${year + 1}-01-31`,
      status,
      label_vi: `Năm ${year}`,
      label_en: `Year ${year}`,
      is_demo: true,
    })
    .returning("id");
  return (row as { id: number }).id;
}

interface Actor {
  id: number;
  username: string;
}

export async function seedDemoData(db: Db, opts: { now?: Date; seed?: number } = {}): Promise<DemoReport> {
  const now = opts.now ?? new Date();
  const report: DemoReport = { skipped: false, periods: 0, submissions: 0, values: 0, transitions: 0 };
  const any = await db("submissions").first("id");
  if (any) return { ...report, skipped: true };

  const units2025 = parseCsvObjects(await fs.readFile(path.join(REF_DIR, "cao_bang_units_2025.csv"), "utf8"));
  const mapping = parseCsvObjects(await fs.readFile(path.join(REF_DIR, "cao_bang_mapping_2024_to_2025.csv"), "utf8"));
  const census = parseCsvObjects(await fs.readFile(path.join(REF_DIR, "cao_bang_population_by_ethnicity_2019.csv"), "utf8"))
    .filter((r) => /^\d{2}$/.test(r.ethnicity_code ?? "") && Number(r.pop_2019) > 0)
    .map((r) => ({ code: r.ethnicity_code!, share: Number(r.pop_2019) }));

  await db.transaction(async (trx) => {
    await trx.raw("select pg_advisory_xact_lock(7246201)");
    if (await trx("submissions").first("id")) {
      report.skipped = true;
      return;
    }
    const rng = prng(opts.seed ?? 20_250_701);
    const communes = await trx("units").where({ tier: "commune" }).whereNull("valid_to").orderBy("code").select("id", "code", "parent_id");
    const districts = await trx("units").where({ tier: "district" }).whereNull("valid_to").orderBy("code").select("id", "code", "parent_id");
    const province = await trx("units").where({ tier: "province" }).first("id");
    const usersByUnit = new Map<number, Actor>();
    for (const u of await trx("users").orderBy("id").select("id", "username", "unit_id")) if (!usersByUnit.has(u.unit_id)) usersByUnit.set(u.unit_id, { id: u.id, username: u.username });
    const templates = new Map<string, number>();
    for (const t of await trx("form_templates").orderBy([{ column: "code" }, { column: "version" }]).select("id", "code", "status"))
      if (t.status === "published" || !templates.has(t.code)) templates.set(t.code, t.id);
    const indicatorId = new Map<string, number>((await trx("indicators").select("id", "code")).map((i) => [i.code, i.id]));
    const knownEth = new Set<string>((await trx("ethnicities").select("code")).map((e) => e.code));

    // Commune populations: each 2025 commune's population split over the old communes it was formed from.
    const newPop = new Map(units2025.filter((u) => u.level === "commune").map((u) => [u.code!, Number(u.population_bando) || 0]));
    const sources = new Map<string, string[]>();
    for (const m of mapping) sources.set(m.new_code!, [...(sources.get(m.new_code!) ?? []), m.old_code!]);
    const weightOf = new Map<string, number>();
    for (const m of mapping) weightOf.set(`${m.old_code}>${m.new_code}`, rng.between(0.6, 1.4));
    const popOld = new Map<string, number>();
    for (const [newCode, olds] of sources) {
      const total = newPop.get(newCode) ?? 0;
      const w = olds.map((o) => weightOf.get(`${o}>${newCode}`)!);
      splitInteger(total, w).forEach((p, i) => popOld.set(olds[i]!, (popOld.get(olds[i]!) ?? 0) + p));
    }

    const profiles: CommuneProfile[] = communes.map((c) => {
      const pop2024 = popOld.get(c.code) || rng.int(3000, 9000);
      const groups = census
        .filter((g) => knownEth.has(g.code))
        .map((g) => {
          const major = g.share / 530_341 >= 0.01;
          const presentP = major ? 1 : Math.min(0.6, 0.1 + (g.share / 530_341) * 200);
          const weight = rng.next() < presentP ? g.share * Math.exp(rng.normal() * (major ? 1.0 : 0.8)) : 0;
          return { code: g.code, weight, hhSize: (PROFILE[g.code] ?? DEFAULT_PROFILE).hhSize * rng.between(0.9, 1.1), poorFactor: rng.between(0.7, 1.3) };
        })
        .filter((g) => g.weight > 0);
      return {
        unitId: c.id,
        districtId: c.parent_id,
        pop2024,
        groups,
        villages: Math.max(3, Math.min(40, Math.round(pop2024 / rng.between(280, 420)))),
        healthStd: rng.next() < 0.75 ? 1 : 0,
      };
    });
    const districtPop = new Map<number, number>();
    for (const p of profiles) districtPop.set(p.districtId, (districtPop.get(p.districtId) ?? 0) + p.pop2024);

    const COMMUNE_FORMS = ["BM01-DANSO", "BM02-NGHEO", "BM03-HATANG", "BM05-XAHOI"];
    const DAY = 86_400_000;

    async function insertSubmission(args: {
      periodId: number;
      form: string;
      unitId: number;
      approverUnitId: number;
      submitter: Actor | undefined;
      approver: Actor | undefined;
      cells: Cells;
      history: { to: string; at: Date; by: Actor | undefined; reason?: string }[];
    }) {
      const last = args.history[args.history.length - 1];
      const status = last?.to ?? "draft";
      const firstSubmit = args.history.find((h) => h.to === "submitted")?.at ?? null;
      const lastSubmit = [...args.history].reverse().find((h) => h.to === "submitted")?.at ?? null;
      const approved = status === "approved" ? last! : null;
      const created = new Date((args.history[0]?.at ?? now).getTime() - rng.int(1, 5) * DAY);
      const [row] = await trx("submissions")
        .insert({
          period_id: args.periodId,
          form_code: args.form,
          template_id: templates.get(args.form),
          unit_id: args.unitId,
          approver_unit_id: args.approverUnitId,
          status,
          version: 1 + args.history.length,
          submitted_at: lastSubmit,
          first_submitted_at: firstSubmit,
          approved_at: approved?.at ?? null,
          approved_by: approved?.by?.id ?? null,
          return_reason: status === "returned" ? last!.reason : null,
          created_by: args.submitter?.id ?? null,
          updated_by: (last?.by ?? args.submitter)?.id ?? null,
          is_demo: true,
          created_at: created,
          updated_at: last?.at ?? created,
        })
        .returning("id");
      const id = (row as { id: number }).id;
      report.submissions++;
      const values = [...args.cells].map(([k, v]) => {
        const [ind, eth, sex] = k.split(":");
        return { submission_id: id, indicator_id: indicatorId.get(ind!), ethnicity_code: eth, sex, value: v, updated_at: firstSubmit ?? created, updated_by: args.submitter?.id ?? null };
      });
      for (let i = 0; i < values.length; i += 1000) await trx("submission_values").insert(values.slice(i, i + 1000));
      report.values += values.length;
      let from: string | null = "draft";
      const transitions = args.history.map((h) => {
        const t = { submission_id: id, from_status: from, to_status: h.to, actor_user_id: h.by?.id ?? null, actor_username: h.by?.username ?? null, reason: h.reason ?? null, at: h.at };
        from = h.to;
        return t;
      });
      if (transitions.length) await trx("submission_transitions").insert(transitions);
      report.transitions += transitions.length;
    }

    const RETURN_REASONS = [
      "Tổng số hộ theo dân tộc chưa khớp với kết quả rà soát của xã, đề nghị kiểm tra lại",
      "Thiếu số liệu dân tộc Dao ở thôn mới sáp nhập",
      "Số học sinh nữ chênh lệch lớn so với năm trước, đề nghị xác minh",
    ];

    /** A past history: submitted within January, sometimes returned once, then approved. */
    const pastHistory = (year: number, submitter: Actor | undefined, approver: Actor | undefined) => {
      const h: { to: string; at: Date; by: Actor | undefined; reason?: string }[] = [];
      let t = Date.UTC(year + 1, 0, 2, 1) + rng.int(0, 34) * DAY + rng.int(0, 8) * 3_600_000; // a few late ones
      h.push({ to: "submitted", at: new Date(t), by: submitter });
      if (rng.next() < 0.12) {
        t += rng.int(1, 4) * DAY;
        h.push({ to: "returned", at: new Date(t), by: approver, reason: RETURN_REASONS[rng.int(0, RETURN_REASONS.length - 1)] });
        t += rng.int(1, 5) * DAY;
        h.push({ to: "submitted", at: new Date(t), by: submitter });
      }
      t += rng.int(1, 7) * DAY;
      h.push({ to: "approved", at: new Date(t), by: approver });
      return h;
    };

    for (const year of [2023, 2024]) {
      const periodId = await ensurePeriod(trx, year, "locked", now);
      report.periods++;
      await assignForms(trx, periodId, templates);
      for (const p of profiles)
        for (const form of COMMUNE_FORMS)
          await insertSubmission({
            periodId, form, unitId: p.unitId, approverUnitId: p.districtId,
            submitter: usersByUnit.get(p.unitId), approver: usersByUnit.get(p.districtId),
            cells: communeCells(form, p, year, rng),
            history: pastHistory(year, usersByUnit.get(p.unitId), usersByUnit.get(p.districtId)),
          });
      for (const d of districts)
        await insertSubmission({
          periodId, form: "BM04-CHINHSACH", unitId: d.id, approverUnitId: province.id,
          submitter: usersByUnit.get(d.id), approver: usersByUnit.get(province.id),
          cells: districtCells(districtPop.get(d.id) ?? 50_000, year, rng),
          history: pastHistory(year, usersByUnit.get(d.id), usersByUnit.get(province.id)),
        });
    }

    // 2025: open, a mix of states so completeness pages look real.
    const periodId = await ensurePeriod(trx, 2025, "open", now);
    report.periods++;
    await assignForms(trx, periodId, templates);
    const opened = now.getTime() - 25 * DAY;
    const openHistory = (submitter: Actor | undefined, approver: Actor | undefined) => {
      const r = rng.next();
      const at = () => new Date(opened + rng.between(0, 24) * DAY);
      if (r < 0.18) return null; // not started
      if (r < 0.33) return [] as { to: string; at: Date; by: Actor | undefined; reason?: string }[]; // draft
      const s1 = at();
      if (r < 0.55) return [{ to: "submitted", at: s1, by: submitter }];
      const later = (d: Date) => new Date(Math.min(now.getTime() - 3_600_000, d.getTime() + rng.between(0.5, 4) * DAY));
      if (r < 0.63) return [{ to: "submitted", at: s1, by: submitter }, { to: "returned", at: later(s1), by: approver, reason: RETURN_REASONS[rng.int(0, RETURN_REASONS.length - 1)] }];
      return [{ to: "submitted", at: s1, by: submitter }, { to: "approved", at: later(s1), by: approver }];
    };
    for (const p of profiles)
      for (const form of COMMUNE_FORMS) {
        const h = openHistory(usersByUnit.get(p.unitId), usersByUnit.get(p.districtId));
        if (h === null) continue;
        await insertSubmission({ periodId, form, unitId: p.unitId, approverUnitId: p.districtId, submitter: usersByUnit.get(p.unitId), approver: usersByUnit.get(p.districtId), cells: communeCells(form, p, 2025, rng), history: h });
      }
    for (const d of districts) {
      const h = openHistory(usersByUnit.get(d.id), usersByUnit.get(province.id));
      if (h === null) continue;
      await insertSubmission({ periodId, form: "BM04-CHINHSACH", unitId: d.id, approverUnitId: province.id, submitter: usersByUnit.get(d.id), approver: usersByUnit.get(province.id), cells: districtCells(districtPop.get(d.id) ?? 50_000, 2025, rng), history: h });
    }
    await trx("platform_state")
      .insert({ key: "seed.demo", value: JSON.stringify({ at: now.toISOString(), ...report }) })
      .onConflict("key")
      .merge();
  });
  return report;
}

async function assignForms(trx: Knex.Transaction, periodId: number, templates: Map<string, number>): Promise<void> {
  const wanted: [string, string][] = [
    ["BM01-DANSO", "commune"],
    ["BM02-NGHEO", "commune"],
    ["BM03-HATANG", "commune"],
    ["BM05-XAHOI", "commune"],
    ["BM04-CHINHSACH", "district"],
  ];
  for (const [form, tier] of wanted) {
    const exists = await trx("period_forms").where({ period_id: periodId, form_code: form, tier }).first("id");
    if (!exists) await trx("period_forms").insert({ period_id: periodId, form_code: form, template_id: templates.get(form), tier });
  }
}
