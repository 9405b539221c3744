/** The warehouse query layer: every dashboard, export and API query goes through here. */
export * from "./types.ts";
export { queryIndicators } from "./indicator-query.ts";
export { queryCompleteness } from "./completeness-query.ts";
export { queryFreshness } from "./freshness.ts";
export { listIndicators, listPeriods, listEthnicities } from "./catalogue.ts";
