import { describe, expect, it } from "vitest";
import { scopePredicate } from "../../warehouse/query/scope-sql.ts";
import { buildScope } from "../../app/scope/scope.ts";
import { splitInteger } from "../../app/db/seed/demo.ts";

const scope = (unitPath: string, tier: "province" | "department" | "district" | "commune", sectorDomains: string[] = []) =>
  buildScope({ userId: 1, username: "u", unitId: 1, unitPath, tier, roles: ["viewer"], sectorDomains });

describe("scope → DuckDB predicate", () => {
  it("binds every prefix and domain, interpolates nothing", () => {
    const p = scopePredicate(scope("/1/7/", "department", ["poverty", "health"]), "u.path", "r.req_domain");
    expect(p.sql).toBe("((starts_with(u.path, ?)) or (starts_with(u.path, ?) and r.req_domain in (?, ?)))");
    expect(p.params).toEqual(["/1/7/", "/1/", "poverty", "health"]);
  });
  it("a district sees its subtree only", () => {
    const p = scopePredicate(scope("/1/5/", "district"), "u.path", "d");
    expect(p).toEqual({ sql: "((starts_with(u.path, ?)))", params: ["/1/5/"] });
  });
  it("no grants → nothing visible", () => {
    const s = { ...scope("/1/", "province"), grants: [] };
    expect(scopePredicate(s, "u.path", "d")).toEqual({ sql: "false", params: [] });
  });
  it("a hostile path stays a bound value", () => {
    const s = { ...scope("/1/", "province"), grants: [{ pathPrefix: "/1/' or 1=1 --", domains: null }] };
    const p = scopePredicate(s, "u.path", "d");
    expect(p.sql).not.toContain("1=1");
    expect(p.params).toEqual(["/1/' or 1=1 --"]);
  });
});

describe("demo: exact integer split", () => {
  it("splits a total by weights without losing a person", () => {
    for (const [total, w] of [[1000, [1, 1, 1]], [7, [0.2, 0.5, 0.3]], [123457, [40.8, 29.8, 11.6, 10.4, 5.1, 1.5, 0.5]], [0, [1, 2]]] as const) {
      const parts = splitInteger(total, w);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      expect(parts.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    }
    expect(splitInteger(10, [0, 0])).toEqual([0, 0]);
  });
});
