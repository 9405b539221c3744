import type { AuditActor } from "../audit/audit.server.ts";
import type { Knex } from "knex";
import type { Db } from "../db/knex.server.ts";
import { writeAudit } from "../audit/audit.server.ts";
import { templateDefinitionSchema, templateRows } from "../forms/template.ts";
import { formatViNumber } from "../forms/number.ts";
import {
  FIELDS, disaggregationFits, parseIndicator,
  type Field, type FieldErrors, type IndicatorInput, type IndicatorRaw,
} from "./indicator-schema.ts";

/**
 * The indicator catalogue administration: list and search, create, and edit.
 * An indicator's meaning (code, domain, how it is computed and broken down,
 * its type and limits) is frozen once submission values reference it, since
 * changing it would silently change what the stored historical facts mean;
 * its wording (names, units, plausible range, source) stays editable. Every
 * change is one audit line in the same transaction.
 */
type Conn = Db | Knex.Transaction;

/** The signed-in user acting (the audit trail's actor). */
export type Actor = AuditActor;

export interface IndicatorRow {
  id: number;
  code: string;
  name_vi: string;
  name_en: string;
  domain: string;
  unit_vi: string;
  unit_en: string;
  value_type: "integer" | "decimal";
  disaggregation: "none" | "ethnicity" | "ethnicity_sex";
  aggregation: "sum" | "ratio";
  numerator_code: string | null;
  denominator_code: string | null;
  ratio_scale: number | null;
  min_value: number | null;
  max_value: number | null;
  plausible_min: number | null;
  plausible_max: number | null;
  source: string | null;
  description: string | null;
}

const COLUMNS = ["id", ...FIELDS] as const;

/** Fields that give a stored value its meaning: frozen once values reference the indicator. */
export const STRUCTURAL: Field[] = ["domain", "value_type", "disaggregation", "aggregation", "numerator_code", "denominator_code", "ratio_scale", "min_value", "max_value"];
/** Fields a form template depends on (its columns, whether it can be entered). */
const TEMPLATE_BOUND: Field[] = ["aggregation", "disaggregation"];

export const KNOWN_DOMAINS = ["population", "poverty", "infrastructure", "education", "health", "policy"];

export async function listDomains(db: Conn): Promise<string[]> {
  const rows = await db("indicators").distinct("domain").orderBy("domain");
  const seen = new Set(rows.map((r) => r.domain as string));
  return [...KNOWN_DOMAINS.filter((d) => seen.has(d)), ...[...seen].filter((d) => !KNOWN_DOMAINS.includes(d))];
}

/** Lower case, without Vietnamese diacritics (đ → d), for searching. */
export function fold(s: string): string {
  return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "d").toLowerCase();
}

export interface TemplateUse {
  id: number;
  code: string;
  version: number;
  status: string;
}

/** Which template versions name each indicator (rows and rules), from the stored definitions. */
export async function templateUses(db: Conn): Promise<Map<string, TemplateUse[]>> {
  const rows = await db("form_templates").select("id", "code", "version", "status", "definition").orderBy([{ column: "code" }, { column: "version", order: "desc" }]);
  const out = new Map<string, TemplateUse[]>();
  for (const r of rows) {
    const def = templateDefinitionSchema.safeParse(typeof r.definition === "string" ? JSON.parse(r.definition) : r.definition);
    if (!def.success) continue;
    const codes = new Set(templateRows(def.data).map((x) => x.indicator));
    for (const rule of def.data.rules) for (const c of rule.type === "lte" ? [rule.left, rule.right] : [rule.indicator]) codes.add(c);
    for (const c of codes) {
      const list = out.get(c) ?? [];
      list.push({ id: r.id, code: r.code, version: r.version, status: r.status });
      out.set(c, list);
    }
  }
  return out;
}

export interface ListedIndicator extends Pick<IndicatorRow, "code" | "name_vi" | "name_en" | "domain" | "unit_vi" | "aggregation" | "disaggregation"> {
  forms: string[];
}

/** The catalogue, filtered by a search over code, names and domain (accents ignored) and an exact domain. */
export async function listIndicators(db: Conn, opts: { q?: string; domain?: string; domainLabels?: Record<string, string> } = {}): Promise<ListedIndicator[]> {
  const rows: IndicatorRow[] = await db("indicators").select(...COLUMNS).orderBy("id");
  const uses = await templateUses(db);
  const q = fold((opts.q ?? "").trim());
  return rows
    .filter((r) => !opts.domain || r.domain === opts.domain)
    .filter((r) => !q || [r.code, r.name_vi, r.name_en, r.domain, opts.domainLabels?.[r.domain] ?? ""].some((s) => fold(s).includes(q)))
    .map((r) => ({
      code: r.code, name_vi: r.name_vi, name_en: r.name_en, domain: r.domain, unit_vi: r.unit_vi, aggregation: r.aggregation, disaggregation: r.disaggregation,
      forms: [...new Set((uses.get(r.code) ?? []).filter((u) => u.status !== "retired").map((u) => u.code))],
    }));
}

export async function getIndicator(db: Conn, code: string): Promise<IndicatorRow | null> {
  return (await db("indicators").where({ code }).first(...COLUMNS)) ?? null;
}

export interface Usage {
  values: number;
  templates: TemplateUse[];
  /** ratio indicators computed from this one */
  ratios: string[];
}

/** What references an indicator. A ratio "has values" when its numerator or denominator has: its computed figures come from them. */
export async function usageOf(db: Conn, ind: IndicatorRow): Promise<Usage> {
  const codes = ind.aggregation === "ratio" ? [ind.numerator_code, ind.denominator_code].filter((c): c is string => !!c) : [ind.code];
  const n = await db("submission_values as v")
    .join("indicators as i", "i.id", "v.indicator_id")
    .whereIn("i.code", codes)
    .count<{ n: number }[]>({ n: "*" });
  const ratios = await db("indicators").where("numerator_code", ind.code).orWhere("denominator_code", ind.code).orderBy("code").pluck("code");
  return { values: Number(n[0].n), templates: (await templateUses(db)).get(ind.code) ?? [], ratios };
}

/** Fields that may no longer change, with the reason shown next to each. */
export function lockedFields(usage: Usage): Partial<Record<Field, string>> {
  const out: Partial<Record<Field, string>> = {
    code: "Mã chỉ tiêu không đổi được: biểu mẫu, số liệu đã nhập và kho dữ liệu đều tham chiếu chỉ tiêu theo mã",
  };
  if (usage.values > 0) {
    for (const f of STRUCTURAL)
      out[f] = `Không sửa được vì đã có ${usage.values} giá trị số liệu tham chiếu chỉ tiêu này: đổi cách tính, phân tổ, kiểu, lĩnh vực hay giới hạn sẽ làm số liệu lịch sử mang nghĩa khác. Hãy tạo chỉ tiêu mới.`;
    return out;
  }
  if (usage.templates.length)
    for (const f of TEMPLATE_BOUND)
      out[f] = `Không sửa được vì biểu mẫu ${[...new Set(usage.templates.map((t) => t.code))].join(", ")} đang dùng chỉ tiêu này (các cột của biểu phụ thuộc vào cách tính và phân tổ)`;
  if (usage.ratios.length)
    for (const f of TEMPLATE_BOUND)
      out[f] ??= `Không sửa được vì chỉ tiêu tỷ lệ ${usage.ratios.join(", ")} được tính từ chỉ tiêu này`;
  return out;
}

/** An indicator as the form shows it (numbers in vi-VN). */
export function toRaw(r: IndicatorRow): IndicatorRaw {
  const raw: IndicatorRaw = {};
  for (const f of FIELDS) {
    const v = r[f];
    raw[f] = v === null || v === undefined ? "" : typeof v === "number" ? formatViNumber(v) : String(v);
  }
  return raw;
}

export type SaveResult = { ok: true; code: string; changed: Field[] } | { ok: false; status: 400 | 404 | 409; errors: FieldErrors };

async function parseAndCheck(db: Conn, raw: IndicatorRaw, selfCode: string | null): Promise<{ ok: true; v: IndicatorInput } | { ok: false; errors: FieldErrors }> {
  const p = parseIndicator(raw);
  const v: Partial<IndicatorInput> = p.ok ? p.value : p.partial;
  // checks against the catalogue, over whatever parsed: every error shows at once (a field's own error wins)
  const errors: FieldErrors = {};
  const domains = await listDomains(db);
  if (v.domain && !domains.includes(v.domain)) errors.domain = `Lĩnh vực phải là một trong: ${domains.join(", ")}`;
  if (selfCode === null && v.code && (await db("indicators").where({ code: v.code }).first("id"))) errors.code = `Mã ${v.code} đã có trong danh mục`;
  if (v.aggregation === "ratio") {
    for (const f of ["numerator_code", "denominator_code"] as const) {
      const code = v[f];
      if (!code) continue;
      const part = await db("indicators").where({ code }).first("code", "aggregation", "disaggregation");
      const label = f === "numerator_code" ? "Tử số" : "Mẫu số";
      if (!part) errors[f] = `${label}: không có chỉ tiêu ${code} trong danh mục`;
      else if (part.aggregation !== "sum") errors[f] = `${label}: ${code} là chỉ tiêu tỷ lệ; tử số và mẫu số phải là chỉ tiêu cộng dồn`;
      else if (v.disaggregation && !disaggregationFits(v.disaggregation, part.disaggregation))
        errors.disaggregation ??= `Phân tổ của chỉ tiêu tỷ lệ không được chi tiết hơn ${label.toLowerCase()} ${code} (${part.disaggregation})`;
    }
  }
  const all = { ...errors, ...(p.ok ? {} : p.errors) };
  return Object.keys(all).length || !p.ok ? { ok: false, errors: all } : { ok: true, v: p.value };
}

function record(v: IndicatorInput): Omit<IndicatorRow, "id"> {
  return { ...v };
}

export async function createIndicator(db: Db, actor: Actor, raw: IndicatorRaw): Promise<SaveResult> {
  return db.transaction(async (trx) => {
    await trx.raw("select pg_advisory_xact_lock(7246101, hashtext(?))", [String(raw.code ?? "").trim()]);
    const c = await parseAndCheck(trx, raw, null);
    if (!c.ok) return { ok: false as const, status: 400 as const, errors: c.errors };
    const [row] = await trx("indicators").insert(record(c.v)).returning(["id", "code"]);
    await writeAudit(trx, {
      actorUserId: actor.userId, actorUsername: actor.username, unitId: actor.unitId, ip: actor.ip,
      action: "indicators.created", targetType: "indicator", targetId: row.code, details: { ...record(c.v) },
    });
    return { ok: true as const, code: row.code as string, changed: [...FIELDS] };
  });
}

function same(a: unknown, b: unknown): boolean {
  return (a ?? null) === (b ?? null);
}

/**
 * Edit an indicator. Fields the form did not send (disabled inputs) keep
 * their stored value; a locked field sent with another value is refused with
 * the reason, and nothing is changed.
 */
export async function updateIndicator(db: Db, actor: Actor, code: string, raw: IndicatorRaw): Promise<SaveResult> {
  return db.transaction(async (trx) => {
    const cur: IndicatorRow | undefined = await trx("indicators").where({ code }).forUpdate().first(...COLUMNS);
    if (!cur) return { ok: false as const, status: 404 as const, errors: { form: `Không có chỉ tiêu ${code}` } };
    const merged: IndicatorRaw = { ...toRaw(cur) };
    for (const f of FIELDS) if (raw[f] !== undefined) merged[f] = raw[f];
    const c = await parseAndCheck(trx, merged, code);
    if (!c.ok) return { ok: false as const, status: 400 as const, errors: c.errors };
    const next = record(c.v);
    const changed = FIELDS.filter((f) => !same(cur[f], next[f]));
    const locks = lockedFields(await usageOf(trx, cur));
    const refused: FieldErrors = {};
    for (const f of changed) if (locks[f]) refused[f] = locks[f];
    if (Object.keys(refused).length) return { ok: false as const, status: 409 as const, errors: refused };
    if (!changed.length) return { ok: true as const, code, changed: [] };
    const patch = Object.fromEntries(changed.map((f) => [f, next[f]]));
    await trx("indicators").where({ id: cur.id }).update({ ...patch, updated_at: trx.fn.now() });
    await writeAudit(trx, {
      actorUserId: actor.userId, actorUsername: actor.username, unitId: actor.unitId, ip: actor.ip,
      action: "indicators.updated", targetType: "indicator", targetId: code,
      details: { changes: Object.fromEntries(changed.map((f) => [f, { from: cur[f] ?? null, to: next[f] ?? null }])) },
    });
    return { ok: true as const, code, changed };
  });
}
