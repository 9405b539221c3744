import { describe, expect, it } from "vitest";
import { allowedActions, decide, type WorkflowSubject } from "../../app/workflow/state.ts";
import { buildScope } from "../../app/scope/scope.ts";

const province = buildScope({ userId: 1, username: "bdt", unitId: 1, unitPath: "/1/", tier: "province", roles: ["admin", "approver", "viewer", "analyst"], sectorDomains: [] });
const district = buildScope({ userId: 2, username: "h", unitId: 5, unitPath: "/1/5/", tier: "district", roles: ["submitter", "approver", "viewer", "analyst"], sectorDomains: [] });
const otherDistrict = buildScope({ userId: 3, username: "h2", unitId: 6, unitPath: "/1/6/", tier: "district", roles: ["submitter", "approver", "viewer", "analyst"], sectorDomains: [] });
const commune = buildScope({ userId: 4, username: "x", unitId: 37, unitPath: "/1/5/37/", tier: "commune", roles: ["submitter", "viewer"], sectorDomains: [] });
const sub = (status: WorkflowSubject["status"], periodStatus: WorkflowSubject["periodStatus"] = "open"): WorkflowSubject => ({ status, unitId: 37, approverUnitId: 5, periodStatus });

describe("workflow state machine", () => {
  it("allowed transitions", () => {
    expect(decide("save", commune, sub("draft"))).toEqual({ ok: true, to: "draft" });
    expect(decide("submit", commune, sub("draft"))).toEqual({ ok: true, to: "submitted" });
    expect(decide("approve", district, sub("submitted"))).toEqual({ ok: true, to: "approved" });
    expect(decide("return", district, sub("submitted"), "Số hộ Tày chưa khớp")).toEqual({ ok: true, to: "returned" });
    expect(decide("save", commune, sub("returned"))).toEqual({ ok: true, to: "returned" });
    expect(decide("submit", commune, sub("returned"))).toEqual({ ok: true, to: "submitted" });
    expect(decide("reopen", province, sub("approved"), "Sửa số liệu theo công văn")).toEqual({ ok: true, to: "returned" });
  });

  it("a submitter cannot approve (nor return)", () => {
    expect(decide("approve", commune, sub("submitted"))).toMatchObject({ ok: false, code: "not_approver" });
    expect(decide("return", commune, sub("submitted"), "lý do dài")).toMatchObject({ ok: false, code: "not_approver" });
  });

  it("a district cannot approve another district's commune, nor can the province approve a commune form", () => {
    expect(decide("approve", otherDistrict, sub("submitted"))).toMatchObject({ ok: false, code: "not_approver" });
    expect(decide("approve", province, sub("submitted"))).toMatchObject({ ok: false, code: "not_approver" });
  });

  it("nobody edits an approved submission, nor a submitted one", () => {
    expect(decide("save", commune, sub("approved"))).toMatchObject({ ok: false, code: "approved_locked" });
    expect(decide("submit", commune, sub("approved"))).toMatchObject({ ok: false, code: "approved_locked" });
    expect(decide("save", commune, sub("submitted"))).toMatchObject({ ok: false, code: "awaiting_review" });
    expect(decide("save", district, sub("draft"))).toMatchObject({ ok: false, code: "not_submitter" });
    expect(decide("save", province, sub("approved"))).toMatchObject({ ok: false });
  });

  it("entry is refused unless the period is open; an approver can still return into a closed period", () => {
    for (const p of ["draft", "closed", "locked"] as const) {
      expect(decide("save", commune, sub("draft", p))).toMatchObject({ ok: false, code: "period_not_open" });
      expect(decide("submit", commune, sub("returned", p))).toMatchObject({ ok: false, code: "period_not_open" });
    }
    expect(decide("return", district, sub("submitted", "closed"), "Chưa khớp tổng")).toEqual({ ok: true, to: "returned" });
    expect(decide("approve", district, sub("submitted", "closed"))).toEqual({ ok: true, to: "approved" });
    expect(decide("return", district, sub("submitted", "locked"), "Chưa khớp tổng")).toMatchObject({ ok: false, code: "period_locked" });
  });

  it("entry waits for the entry window to open", () => {
    const early = { ...sub("draft"), entryOpensOn: "2031-02-01", today: "2031-01-31" };
    expect(decide("save", commune, early)).toMatchObject({ ok: false, code: "entry_not_yet_open" });
    expect(decide("save", commune, { ...early, today: "2031-02-01" })).toEqual({ ok: true, to: "draft" });
  });

  it("return and reopen need a reason; reopen is for the admin only and only from approved", () => {
    expect(decide("return", district, sub("submitted"), "  ")).toMatchObject({ ok: false, code: "reason_required", httpStatus: 422 });
    expect(decide("reopen", province, sub("approved"), "")).toMatchObject({ ok: false, code: "reason_required" });
    expect(decide("reopen", district, sub("approved"), "lý do đủ dài")).toMatchObject({ ok: false, code: "not_admin" });
    expect(decide("reopen", province, sub("submitted"), "lý do đủ dài")).toMatchObject({ ok: false, code: "not_approved" });
  });

  it("every other (action, status) pair is refused", () => {
    const table: Record<string, string[]> = { draft: ["save", "submit"], submitted: ["approve", "return"], returned: ["save", "submit"], approved: ["reopen"] };
    for (const status of ["draft", "submitted", "returned", "approved"] as const) {
      const who = [commune, district, province];
      const allowed = new Set(who.flatMap((s) => allowedActions(s, sub(status))));
      expect([...allowed].sort()).toEqual(table[status].sort());
    }
  });
});
