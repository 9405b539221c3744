import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../setup/db.ts";
import { actorFor, cast, openPeriod } from "./workflow-helpers.ts";
import { approverUnitFor, loadSubmission, openSubmission, previousValues, saveEntry, transition, groupsPresentInUnit, NotFoundError } from "../../app/workflow/submissions.server.ts";
import { setPeriodStatus } from "../../app/periods/periods.server.ts";
import { dueForms } from "../../app/workflow/my-forms.server.ts";
import { approvalQueue } from "../../app/workflow/queue.server.ts";
import { completenessFor } from "../../app/periods/completeness.server.ts";
import { ScopeError } from "../../app/scope/scope.ts";
import { submissionView } from "../../app/workflow/submission-view.server.ts";
import { WorkflowError } from "../../app/workflow/state.ts";

let t: TestDb;
let c: Awaited<ReturnType<typeof cast>>;
const good = {
  "POP:00:M": "1.200", "POP:00:F": "1.300", "POP:02:M": "700", "POP:02:F": "800", "POP:07:M": "500", "POP:07:F": "500",
  "HH:00:T": "600", "HH:02:T": "350", "HH:07:T": "250",
};

beforeAll(async () => {
  t = await createTestDb();
  c = await cast(t.db);
});
afterAll(async () => t?.drop());

describe("submission workflow on the server", () => {
  it("draft → submitted → returned → submitted → approved, with history, audit and refusals", async () => {
    const admin = await actorFor(t.db, c.province.username);
    const clerk = await actorFor(t.db, c.commune.username);
    const district = await actorFor(t.db, c.district.username);
    const otherDistrict = await actorFor(t.db, c.otherDistrict.username);
    const period = await openPeriod(t.db, admin.catalogueActor, { type: "year", year: 2031 }, ["BM01-DANSO"]);

    // my forms lists it, not started
    const due = await dueForms(t.db, clerk.scope);
    expect(due.find((d) => d.periodId === period.id)).toMatchObject({ formCode: "BM01-DANSO", status: "not_started", deadline: "2099-12-31" });

    const sub = await openSubmission(t.db, clerk, period.id, "BM01-DANSO");
    expect(sub).toMatchObject({ status: "draft", unit_id: c.commune.id, approver_unit_id: c.district.id, version: 1 });
    // a district cannot open a commune form for itself (unit from the session: the district owes no BM01)
    await expect(openSubmission(t.db, district, period.id, "BM01-DANSO")).rejects.toBeInstanceOf(NotFoundError);

    // partial draft saves; submit with errors refused, nothing changes
    const d1 = await saveEntry(t.db, clerk, sub.id, { version: 1, raw: { "POP:00:M": "1.200", "POP:02:M": "700" }, mode: "draft" });
    expect(d1).toMatchObject({ ok: true, version: 2, status: "draft", changed: 4 }) // two typed + two derived T cells;
    const bad = await saveEntry(t.db, clerk, sub.id, { version: 2, raw: { ...good, "HH:07:T": "abc", "HH:02:T": "9.999" }, mode: "submit" });
    expect(bad.ok).toBe(false);
    if (!bad.ok && bad.kind === "invalid") expect(bad.errors.map((e) => e.cell).sort()).toEqual(["HH:00:T", "HH:02:T", "HH:07:T"]); // sum, lte, not a number
    expect((await loadSubmission(t.db, clerk.scope, sub.id)).submission).toMatchObject({ status: "draft", version: 2 });

    // submit
    const s1 = await saveEntry(t.db, clerk, sub.id, { version: 2, raw: good, mode: "submit" });
    expect(s1).toMatchObject({ ok: true, status: "submitted", version: 3 });
    // submitted: no more editing
    expect(await saveEntry(t.db, clerk, sub.id, { version: 3, raw: good, mode: "draft" })).toMatchObject({ ok: false, kind: "refused", refusal: { code: "awaiting_review" } });

    // approver queue
    const q = await approvalQueue(t.db, district.scope, { status: "submitted" });
    expect(q.map((r) => r.id)).toContain(sub.id);
    expect((await approvalQueue(t.db, otherDistrict.scope, { status: "all" })).map((r) => r.id)).not.toContain(sub.id);

    // refusals: submitter cannot approve, other district cannot, province (not the managing unit) cannot
    expect(await transition(t.db, clerk, sub.id, "approve")).toMatchObject({ ok: false, refusal: { code: "not_approver" } });
    expect(await transition(t.db, otherDistrict, sub.id, "approve")).toMatchObject({ ok: false, refusal: { code: "not_approver" } });
    await expect(loadSubmission(t.db, otherDistrict.scope, sub.id)).rejects.toBeInstanceOf(ScopeError);
    expect(await transition(t.db, district, sub.id, "return", "")).toMatchObject({ ok: false, refusal: { code: "reason_required" } });

    // return with reason; the unit sees it; fix and resubmit
    expect(await transition(t.db, district, sub.id, "return", "Số hộ dân tộc Nùng chưa đúng")).toEqual({ ok: true, status: "returned" });
    const back = await loadSubmission(t.db, clerk.scope, sub.id);
    expect(back.submission).toMatchObject({ status: "returned", return_reason: "Số hộ dân tộc Nùng chưa đúng" });
    expect((await dueForms(t.db, clerk.scope)).find((d) => d.submissionId === sub.id)?.returnReason).toBe("Số hộ dân tộc Nùng chưa đúng");
    const s2 = await saveEntry(t.db, clerk, sub.id, { version: back.submission.version, raw: { "HH:07:T": "240", "HH:02:T": "360" }, mode: "submit" });
    expect(s2).toMatchObject({ ok: true, status: "submitted" });

    // approve; approved is locked for everyone, in the database too
    expect(await transition(t.db, district, sub.id, "approve")).toEqual({ ok: true, status: "approved" });
    const approved = await loadSubmission(t.db, clerk.scope, sub.id);
    expect(await saveEntry(t.db, clerk, sub.id, { version: approved.submission.version, raw: { "HH:07:T": "1" }, mode: "draft" })).toMatchObject({ ok: false, refusal: { code: "approved_locked" } });
    await expect(t.db("submission_values").where({ submission_id: sub.id }).update({ value: 1 })).rejects.toThrow(/approved/);
    await expect(t.db("submission_values").where({ submission_id: sub.id }).delete()).rejects.toThrow(/append-only/);
    expect(approved.values.get("POP:02:T")).toBe(1500);
    expect(approved.values.get("HH:07:T")).toBe(240);

    // history
    expect(approved.transitions.map((x) => [x.from_status, x.to_status, x.actor_username])).toEqual([
      [null, "draft", c.commune.username],
      ["draft", "submitted", c.commune.username],
      ["submitted", "returned", c.district.username],
      ["returned", "submitted", c.commune.username],
      ["submitted", "approved", c.district.username],
    ]);
    expect(approved.transitions[2].reason).toBe("Số hộ dân tộc Nùng chưa đúng");

    // value audit: one entry per save, old → new per cell
    const audits = await t.db("audit_log").where({ action: "forms.values_changed", target_id: String(sub.id) }).orderBy("id").select("details");
    expect(audits).toHaveLength(3);
    const last = audits[2].details.changes as { cell: string; old: number; new: number }[];
    expect(last).toEqual(expect.arrayContaining([{ cell: "HH:07:T", old: 250, new: 240 }, { cell: "HH:02:T", old: 350, new: 360 }]));
    expect(await t.db("audit_log").where({ action: "forms.return", target_id: String(sub.id) }).first("actor_username")).toEqual({ actor_username: c.district.username });

    // admin reopen with reason; district cannot
    expect(await transition(t.db, district, sub.id, "reopen", "Cần sửa lại số liệu")).toMatchObject({ ok: false, refusal: { code: "not_admin" } });
    expect(await transition(t.db, admin, sub.id, "reopen", "Cần sửa lại số liệu")).toEqual({ ok: true, status: "returned" });

    // groups present in the unit: Tày (02) and Nùng (07)
    expect(await groupsPresentInUnit(t.db, c.commune.id)).toEqual(["02", "07"]);
  });

  it("the approval chain comes from the template: the parent unit, or a fixed unit code", async () => {
    const def = (await t.db("form_templates").where({ code: "BM01-DANSO", version: 1 }).first("definition")).definition;
    expect(await approverUnitFor(t.db, def, c.commune.id)).toBe(c.district.id);
    expect(await approverUnitFor(t.db, def, c.district.id)).toBe(c.province.id);
    const dept = await t.db("units").where({ tier: "department" }).orderBy("code").first("id", "code");
    expect(await approverUnitFor(t.db, { ...def, approval: { unit_code: dept.code } }, c.commune.id)).toBe(dept.id);
  });

  it("entry is refused once the period closes; the approver can still return into it; the admin reopens", async () => {
    const admin = await actorFor(t.db, c.province.username);
    const clerk = await actorFor(t.db, c.neighbour.username);
    const district = await actorFor(t.db, c.district.username);
    const period = await openPeriod(t.db, admin.catalogueActor, { type: "quarter", year: 2031, number: 1 }, ["BM01-DANSO"]);
    const sub = await openSubmission(t.db, clerk, period.id, "BM01-DANSO");
    expect(await saveEntry(t.db, clerk, sub.id, { version: 1, raw: good, mode: "submit" })).toMatchObject({ ok: true });
    await setPeriodStatus(t.db, admin.catalogueActor, period.id, "close");
    expect(await transition(t.db, district, sub.id, "return", "Thiếu số liệu dân tộc Dao")).toEqual({ ok: true, status: "returned" });
    expect(await saveEntry(t.db, clerk, sub.id, { version: 3, raw: good, mode: "draft" })).toMatchObject({ ok: false, refusal: { code: "period_not_open" } });
    // still listed in my forms (returned in a closed period)
    expect((await dueForms(t.db, clerk.scope)).find((d) => d.submissionId === sub.id)).toMatchObject({ status: "returned", periodStatus: "closed" });
    await expect(setPeriodStatus(t.db, admin.catalogueActor, period.id, "reopen", "")).rejects.toThrow(/lý do/);
    await setPeriodStatus(t.db, admin.catalogueActor, period.id, "reopen", "Gia hạn cho xã bổ sung");
    expect(await saveEntry(t.db, clerk, sub.id, { version: 3, raw: good, mode: "submit" })).toMatchObject({ ok: true, status: "submitted" });
  });

  it("optimistic locking: the second save on a stale version is refused with a clear message, nothing written", async () => {
    const admin = await actorFor(t.db, c.province.username);
    const clerk = await actorFor(t.db, c.farCommune.username);
    const period = await openPeriod(t.db, admin.catalogueActor, { type: "half", year: 2031, number: 1 }, ["BM01-DANSO"]);
    const sub = await openSubmission(t.db, clerk, period.id, "BM01-DANSO");
    const first = await saveEntry(t.db, clerk, sub.id, { version: 1, raw: { "HH:00:T": "100" }, mode: "draft" });
    expect(first.ok).toBe(true);
    const second = await saveEntry(t.db, clerk, sub.id, { version: 1, raw: { "HH:00:T": "200" }, mode: "draft" });
    expect(second).toMatchObject({ ok: false, kind: "conflict", currentVersion: 2 });
    if (!second.ok && second.kind === "conflict") expect(second.vi).toContain("người khác");
    expect((await loadSubmission(t.db, clerk.scope, sub.id)).values.get("HH:00:T")).toBe(100);
    // concurrent saves on the same version: exactly one wins
    const results = await Promise.all([1, 2, 3].map((i) => saveEntry(t.db, clerk, sub.id, { version: 2, raw: { "HH:00:T": String(300 + i) }, mode: "draft" })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("completeness per district and province, and the diff against the previous period", async () => {
    const admin = await actorFor(t.db, c.province.username);
    const district = await actorFor(t.db, c.district.username);
    const clerk = await actorFor(t.db, c.commune.username);
    // earlier period: approved values for the diff
    const p0 = await openPeriod(t.db, admin.catalogueActor, { type: "year", year: 2029 }, ["BM01-DANSO"]);
    const s0 = await openSubmission(t.db, clerk, p0.id, "BM01-DANSO");
    await saveEntry(t.db, clerk, s0.id, { version: 1, raw: good, mode: "submit" });
    await transition(t.db, district, s0.id, "approve");
    const p1 = await openPeriod(t.db, admin.catalogueActor, { type: "year", year: 2030, deadline: "2030-01-31" }, ["BM01-DANSO"]);
    const s1 = await openSubmission(t.db, clerk, p1.id, "BM01-DANSO");
    await saveEntry(t.db, clerk, s1.id, { version: 1, raw: { ...good, "HH:00:T": "1.600", "HH:02:T": "1.350" }, mode: "submit" });
    const prev = await previousValues(t.db, s1);
    expect(prev?.values.get("HH:02:T")).toBe(350);
    // the approver's page model: previous values and flags (moved ×2.7 and ×3.9), nothing blocked
    const review = await submissionView(t.db, district.scope, s1.id, { withDiff: true });
    expect(review.previousLabel).toBe("Năm 2029");
    expect(review.previous?.["HH:02:T"]).toBe("350");
    expect(review.flags?.["HH:00:T"]).toContain("Biến động bất thường");
    expect(review.flags?.["HH:02:T"]).toContain("Biến động bất thường");
    expect(review.flags?.["POP:00:M"]).toBeUndefined();
    expect(review.actions).toEqual(["approve", "return"]);
    expect(review.groups).toEqual(["02", "07"]);

    const prov = await completenessFor(t.db, admin.scope, p1.id, "BM01-DANSO", new Date("2030-03-01T00:00:00Z"));
    const communes = await t.db("units").where({ tier: "commune" }).count<{ count: number }[]>("* as count");
    expect(prov!.overall.expected).toBe(Number(communes[0].count));
    expect(prov!.overall.submitted).toBe(1);
    expect(prov!.groups.length).toBe(10);
    const dist = await completenessFor(t.db, district.scope, p1.id, "BM01-DANSO", new Date("2030-03-01T00:00:00Z"));
    expect(dist!.groups).toHaveLength(1);
    expect(dist!.overall.overdue).toBe(dist!.overall.expected - 1);
    const own = await completenessFor(t.db, clerk.scope, p1.id, "BM01-DANSO");
    expect(own!.overall.expected).toBe(1);
  });
});

describe("completeness for a sector department", () => {
  it("sees a form province-wide only when the whole form is in its sector", async () => {
    const c = await cast(t.db);
    const admin = await actorFor(t.db, c.province.username);
    const period = await openPeriod(t.db, admin.catalogueActor, { type: "year", year: 2037 }, ["BM01-DANSO", "BM02-NGHEO"]);
    const u = await t.db("users").where({ username: "solaodongthuongbinhvaxahoi" }).first("username");
    const labour = await actorFor(t.db, u.username); // sector: poverty
    const poverty = await completenessFor(t.db, labour.scope, period.id, "BM02-NGHEO");
    expect(poverty!.overall.expected).toBeGreaterThan(100);
    const population = await completenessFor(t.db, labour.scope, period.id, "BM01-DANSO");
    expect(population!.overall.expected).toBe(0);
  });
});
