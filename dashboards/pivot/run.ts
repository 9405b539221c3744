import { queryIndicators } from "../../warehouse/query/index.ts";
import type { IndicatorRow, Scope, WarehouseReader } from "../../warehouse/query/types.ts";
import { toIndicatorQuery } from "../query-params.ts";
import { buildPivot, pivotQueries, type PivotResult } from "./pivot.ts";
import type { AnalysisState } from "./state.ts";

/** Ask the query layer every level the pivot needs (in parallel) and arrange the answers. */
export async function runPivot(wh: WarehouseReader, scope: Scope, s: AnalysisState): Promise<PivotResult & { truncated: boolean; unknownIndicators: string[] }> {
  const base = toIndicatorQuery(s.params);
  const qs = pivotQueries({ rows: s.rows, cols: s.cols });
  const answers: Record<string, IndicatorRow[]> = {};
  let truncated = false;
  let unknown: string[] = [];
  await Promise.all(
    qs.map(async (q) => {
      const r = await queryIndicators(wh, scope, { ...base, groupBy: q.groupBy, orderBy: "dimensions", limit: 100_000 });
      answers[q.key] = r.rows;
      truncated ||= r.truncated;
      unknown = r.unknownIndicators;
    }),
  );
  return { ...buildPivot({ rows: s.rows, cols: s.cols }, answers, s.params.indicators), truncated, unknownIndicators: unknown };
}
