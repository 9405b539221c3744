import type { Role } from "../auth/roles.ts";

/**
 * Main navigation. Each area appends its entry; `roles` = who sees it.
 * `listener` = which port serves it (admin pages live on the admin port only).
 */
export interface NavItem {
  to: string;
  key: string; // i18n key
  roles: Role[];
  listener: "public" | "admin";
}

export const navItems: NavItem[] = [
  { to: "/", key: "nav.home", roles: ["admin", "approver", "submitter", "viewer", "analyst"], listener: "public" },
  { to: "/forms", key: "nav.forms", roles: ["submitter"], listener: "public" },
  { to: "/approvals", key: "nav.approvals", roles: ["approver"], listener: "public" },
  { to: "/completeness", key: "nav.completeness", roles: ["approver", "admin", "viewer"], listener: "public" },
  { to: "/dashboards", key: "nav.dashboards", roles: ["viewer", "analyst", "admin"], listener: "public" },
  { to: "/analysis", key: "nav.analysis", roles: ["analyst"], listener: "public" },
  { to: "/admin", key: "nav.admin", roles: ["admin"], listener: "admin" },
  { to: "/admin/accounts", key: "admin.accounts", roles: ["admin"], listener: "admin" },
  { to: "/admin/etl", key: "wh.adminEtl", roles: ["admin"], listener: "admin" },
  { to: "/admin/exports", key: "dash.adminExports", roles: ["admin"], listener: "admin" },
  { to: "/admin/api-tokens", key: "dash.adminApiTokens", roles: ["admin"], listener: "admin" },
];
