import type { UnitLevel } from "./types.ts";

/** Columns of dim_unit (alias u) that key a roll-up level. */
export function levelColumns(level: UnitLevel): { id: string; code: string; name: string; tier: string } {
  switch (level) {
    case "province":
      return { id: "u.province_id", code: "u.province_code", name: "u.province_name", tier: "'province'" };
    case "department":
      return { id: "u.department_id", code: "u.department_code", name: "u.department_name", tier: "'department'" };
    case "district":
      return { id: "u.district_id", code: "u.district_code", name: "u.district_name", tier: "'district'" };
    case "commune":
      return { id: "u.commune_id", code: "u.commune_code", name: "u.commune_name", tier: "'commune'" };
    case "unit":
      return { id: "u.unit_id", code: "u.code", name: "u.name", tier: "u.tier" };
  }
}
