import type { AppConfig } from "../platform/config.server.ts";
import { createDb } from "../db/knex.server.ts";
import type { WarehouseCheck, WarehouseRebuildCheck } from "./restore-test.server.ts";

/**
 * The restore test's warehouse step: a full ETL rebuild from the restored
 * database into a throw-away in-memory DuckDB (etl/ runner, warehouse/
 * service), then totals compared with the restored Postgres, computed here
 * independently of the ETL:
 *   - per indicator × period: the sum of approved sum-indicator cells
 *     (T cells; for by-sex indicators the M and F cells, and T = M + F);
 *   - the number of approved submissions.
 * Loaded lazily so the ops CLI runs even where the warehouse code is absent.
 */
const TOTALS_SQL = `
select v.indicator_id, s.period_id,
       case when i.disaggregation = 'ethnicity_sex' then 'MF' else 'T' end as kind,
       sum(v.value)::float8 as total
  from submissions s
  join submission_values v on v.submission_id = s.id
  join indicators i on i.id = v.indicator_id
 where s.status = 'approved' and v.value is not null and i.aggregation = 'sum'
   and ((i.disaggregation = 'ethnicity_sex' and v.sex in ('M','F')) or (i.disaggregation <> 'ethnicity_sex' and v.sex = 'T'))
 group by 1, 2, 3`;

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

export async function loadWarehouseCheck(_config?: Pick<AppConfig, "dataDir">, log?: (l: string) => void): Promise<WarehouseRebuildCheck | undefined> {
  let etl: typeof import("../../etl/runner.ts");
  let wh: typeof import("../../warehouse/service.ts");
  try {
    etl = await import("../../etl/runner.ts");
    wh = await import("../../warehouse/service.ts");
  } catch (e) {
    log?.(`  (kho dữ liệu: không nạp được etl/warehouse — bỏ qua: ${(e as Error).message})`);
    return undefined;
  }
  return async (restoredUrl: string): Promise<WarehouseCheck> => {
    const db = createDb(restoredUrl, { max: 4 });
    const warehouse = await wh.openWarehouse({ path: ":memory:", readers: 1 });
    try {
      const run = await etl.createEtlRunner({ db, warehouse }).run({ mode: "full", trigger: "cli" });
      if (run.status !== "succeeded") return { ok: false, summary: { etl: run.status }, error: `ETL dựng lại thất bại: ${run.error ?? ""}` };
      const expected = (await db.raw(TOTALS_SQL)).rows as { indicator_id: number; period_id: number; kind: "T" | "MF"; total: number }[];
      const approved = Number((await db("submissions").where({ status: "approved" }).count({ n: "*" }))[0].n);
      const conn = await warehouse.connect();
      let got: { indicator_id: number; period_id: number; sex: string; total: number }[];
      let whApproved: number;
      try {
        got = (
          await conn.runAndReadAll(
            `select indicator_id, period_id, case when sex = 'T'::sex_t then 'T' else 'MF' end as sex, sum(value) as total
               from fact_indicator_value group by 1, 2, 3`,
          )
        ).getRowObjects().map((r) => ({ indicator_id: Number(r.indicator_id), period_id: Number(r.period_id), sex: String(r.sex), total: Number(r.total) }));
        whApproved = Number((await conn.runAndReadAll("select count(*) as n from fact_submission where status = 'approved'")).getRowObjects()[0].n);
      } finally {
        conn.closeSync();
      }
      const key = (i: number, p: number, k: string) => `${i}/${p}/${k}`;
      const whMap = new Map(got.map((g) => [key(g.indicator_id, g.period_id, g.sex), g.total]));
      const mismatches: string[] = [];
      let grand = 0;
      for (const e of expected) {
        grand += e.total;
        // T cells as entered; for by-sex indicators the M/F cells, and the derived T equals their sum
        const checks: [string, number][] = e.kind === "T" ? [["T", e.total]] : [["MF", e.total], ["T", e.total]];
        for (const [k, want] of checks) {
          const have = whMap.get(key(e.indicator_id, e.period_id, k)) ?? 0;
          if (!close(have, want)) mismatches.push(`chỉ tiêu ${e.indicator_id} kỳ ${e.period_id} ${k}: kho ${have} ≠ CSDL ${want}`);
          whMap.delete(key(e.indicator_id, e.period_id, k));
        }
      }
      for (const [k, v] of whMap) if (v !== 0) mismatches.push(`kho có ${k} = ${v} không có trong CSDL`);
      if (whApproved !== approved) mismatches.push(`phiếu đã duyệt: kho ${whApproved} ≠ CSDL ${approved}`);
      const summary = { groups: expected.length, grandTotal: grand, approvedSubmissions: approved, factsWritten: run.factsWritten, checksPassed: run.checksPassed };
      return mismatches.length ? { ok: false, summary, error: mismatches.slice(0, 5).join("; ") } : { ok: true, summary };
    } finally {
      await warehouse.close();
      await db.destroy();
    }
  };
}
