import { isOverdue } from "./period.ts";
import type { SubmissionStatus } from "../workflow/state.ts";

/**
 * Reporting completeness of one period and form: every unit expected to
 * report, its state, and rates per district (its communes) and for the
 * province. Pure: the server module feeds it rows already filtered by scope.
 */
export interface ExpectedUnit {
  unitId: number;
  unitName: string;
  tier: string;
  /** The district a commune belongs to; for a district or department its own id. */
  groupId: number;
  groupName: string;
  status: SubmissionStatus | "not_started";
  firstSubmittedAt: string | Date | null;
  submissionId: number | null;
}

export interface UnitState extends ExpectedUnit {
  overdue: boolean;
  onTime: boolean;
}

export interface CompletenessTotals {
  expected: number;
  notStarted: number;
  draft: number;
  submitted: number;
  returned: number;
  approved: number;
  overdue: number;
  onTime: number;
  /** % of expected units that submitted by the deadline (day included, ICT). */
  pctOnTime: number;
  pctApproved: number;
  /** % that have submitted at all (submitted, returned or approved). */
  pctReported: number;
}

export interface CompletenessGroup {
  groupId: number;
  groupName: string;
  totals: CompletenessTotals;
  units: UnitState[];
}

const ictDay = (d: string | Date) => new Date(new Date(d).getTime() + 7 * 3600_000).toISOString().slice(0, 10);
const pct = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 1000) / 10);

export function unitState(u: ExpectedUnit, deadline: string, now = new Date()): UnitState {
  const onTime = u.firstSubmittedAt !== null && ictDay(u.firstSubmittedAt) <= deadline;
  const pending = u.status === "not_started" || u.status === "draft" || u.status === "returned";
  return { ...u, onTime, overdue: pending && isOverdue(deadline, now) };
}

export function totals(units: UnitState[]): CompletenessTotals {
  const count = (s: string) => units.filter((u) => u.status === s).length;
  const t = {
    expected: units.length,
    notStarted: count("not_started"),
    draft: count("draft"),
    submitted: count("submitted"),
    returned: count("returned"),
    approved: count("approved"),
    overdue: units.filter((u) => u.overdue).length,
    onTime: units.filter((u) => u.onTime).length,
  };
  return { ...t, pctOnTime: pct(t.onTime, t.expected), pctApproved: pct(t.approved, t.expected), pctReported: pct(units.filter((u) => u.firstSubmittedAt !== null).length, t.expected) };
}

export function completeness(units: ExpectedUnit[], deadline: string, now = new Date()): { overall: CompletenessTotals; groups: CompletenessGroup[] } {
  const states = units.map((u) => unitState(u, deadline, now));
  const byGroup = new Map<number, UnitState[]>();
  for (const s of states) byGroup.set(s.groupId, [...(byGroup.get(s.groupId) ?? []), s]);
  const groups = [...byGroup.entries()]
    .map(([groupId, us]) => ({ groupId, groupName: us[0].groupName, totals: totals(us), units: us.sort((a, b) => a.unitName.localeCompare(b.unitName, "vi")) }))
    .sort((a, b) => a.groupName.localeCompare(b.groupName, "vi"));
  return { overall: totals(states), groups };
}
