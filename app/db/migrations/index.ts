import type { Knex } from "knex";
import * as m001 from "./20261124_001_foundation.ts";
import * as m100 from "./20261124_100_forms.ts";
import * as m200 from "./20261124_200_etl.ts";
import * as m300 from "./20261124_300_dashboards_api.ts";
import * as m400 from "./20261124_400_safety.ts";

/**
 * Every migration, in order. A new migration is a new file here plus one line
 * below (a static list works the same under tsx, vitest and the CLI).
 */
export const migrations: Record<string, Knex.Migration> = {
  "20261124_001_foundation": m001,
  "20261124_100_forms": m100,
  "20261124_200_etl": m200,
  "20261124_300_dashboards_api": m300,
  "20261124_400_safety": m400,
};
