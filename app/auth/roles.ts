/** Roles by duty (QĐ 09/2022: phân quyền theo chức trách). */
export const ROLES = ["admin", "approver", "submitter", "viewer", "analyst"] as const;
export type Role = (typeof ROLES)[number];
export type Tier = "province" | "department" | "district" | "commune";

/** The roles an account seeded from the province's list gets for its tier. */
export function rolesForTier(tier: Tier): Role[] {
  switch (tier) {
    case "province":
      return ["admin", "approver", "viewer", "analyst"];
    case "department":
      return ["submitter", "viewer", "analyst"];
    case "district":
      return ["submitter", "approver", "viewer", "analyst"];
    case "commune":
      return ["submitter", "viewer"];
  }
}
