import type { Db } from "../db/knex.server.ts";
import type { Scope } from "../scope/scope.ts";
import { formatViNumber } from "../forms/number.ts";
import { groupsWithValues } from "../forms/cells.ts";
import { templateRows } from "../forms/template.ts";
import { loadEthnicities, loadIndicatorMeta } from "../forms/catalogue.server.ts";
import { groupsPresentInUnit, loadSubmission, previousValues } from "./submissions.server.ts";
import { allowedActions } from "./state.ts";
import { diffValues, FLAG_LABELS, DEFAULT_MOVE_FACTOR } from "./diff.ts";

/**
 * Everything a page needs to show one submission (entry, review, print),
 * serialisable and limited to the fields the pages use.
 */
export async function submissionView(db: Db, scope: Scope, id: number, opts: { withDiff?: boolean } = {}) {
  const l = await loadSubmission(db, scope, id);
  const [meta, eths, present] = await Promise.all([loadIndicatorMeta(db), loadEthnicities(db), groupsPresentInUnit(db, l.submission.unit_id)]);
  const rows = templateRows(l.template.definition);
  const indicators = Object.fromEntries(rows.map((r) => {
    const m = meta.get(r.indicator);
    return [r.indicator, { name_vi: m?.name_vi ?? r.indicator, name_en: m?.name_en ?? r.indicator, unit_vi: m?.unit_vi ?? "" }];
  }));
  const ethnicityNames = Object.fromEntries(eths.filter((e) => e.code !== "00").map((e) => [e.code, e.name_vi]));
  const order = new Map(eths.map((e) => [e.code, e.sort_order]));
  // groups present in the unit first (non-zero in its submissions), then any group holding a value here
  const groups = [...new Set([...present, ...groupsWithValues(l.values, false)])].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  const values = Object.fromEntries([...l.values].map(([k, v]) => [k, formatViNumber(v)]));
  let flags: Record<string, string> | undefined;
  let previous: Record<string, string> | undefined;
  let previousLabel: string | null = null;
  let flagCount = 0;
  if (opts.withDiff) {
    const prev = await previousValues(db, l.submission);
    const setting = await db("platform_state").where({ key: "forms.diff" }).first("value");
    const factor = Number(setting?.value?.moveFactor) || DEFAULT_MOVE_FACTOR;
    const diff = diffValues(l.values, prev?.values ?? null, meta, factor);
    flags = {};
    for (const d of diff) if (d.flags.length) {
      flags[d.cell] = d.flags.map((f) => FLAG_LABELS[f].vi).join("; ");
      flagCount++;
    }
    if (prev) {
      previous = Object.fromEntries([...prev.values].map(([k, v]) => [k, formatViNumber(v)]));
      previousLabel = prev.periodLabel;
    }
  }
  const s = l.submission;
  // value history (old → new per cell), from the audit trail of this submission
  const audits = await db("audit_log")
    .where({ action: "forms.values_changed", target_type: "submission", target_id: String(id) })
    .orderBy("id", "desc")
    .limit(50)
    .select("at", "actor_username", "details");
  const valueChanges = audits.map((a) => ({
    at: a.at as Date,
    actor: a.actor_username as string | null,
    changes: ((a.details?.changes ?? []) as { cell: string; old: number | null; new: number | null }[])
      .slice(0, 200)
      .map((c) => ({ cell: c.cell, old: formatViNumber(c.old), new: formatViNumber(c.new) })),
    count: Number(a.details?.count ?? 0),
  }));
  return {
    valueChanges,
    submission: { id: s.id, status: s.status, version: s.version, formCode: s.form_code, returnReason: s.return_reason, submittedAt: s.submitted_at, approvedAt: s.approved_at, isDemo: s.is_demo, updatedAt: s.updated_at },
    template: { id: l.template.id, code: l.template.code, version: l.template.version, title_vi: l.template.title_vi, title_en: l.template.title_en, definition: l.template.definition },
    period: { id: l.period.id, code: l.period.code, label_vi: l.period.label_vi, label_en: l.period.label_en, status: l.period.status, reference_date: l.period.reference_date, deadline: l.period.deadline },
    unit: { name: l.unit.name, code: l.unit.code, tier: l.unit.tier, parentName: l.unit.parent_name },
    approverUnit: l.approverUnit?.name ?? null,
    indicators,
    ethnicityNames,
    groups,
    values,
    rawValues: Object.fromEntries(l.values),
    transitions: l.transitions,
    actions: allowedActions(scope, { status: s.status, unitId: s.unit_id, approverUnitId: s.approver_unit_id, periodStatus: l.period.status, entryOpensOn: l.period.entry_opens_on }),
    flags,
    flagCount,
    previous,
    previousLabel,
  };
}

export type SubmissionView = Awaited<ReturnType<typeof submissionView>>;
