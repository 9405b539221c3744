import type { DuckDBConnection } from "@duckdb/node-api";
import type { Db } from "../app/db/knex.server.ts";
import { SELECT_SUBMISSION_FACTS } from "./extract-sql.ts";
import { pgQuery } from "./pg-query.ts";
import { ChunkWriter } from "./table-appender.ts";
import { marks } from "../warehouse/query/scope-sql.ts";

/** Replaces fact_submission rows of the given periods (null = all). */
export async function loadSubmissionFacts(db: Db, conn: DuckDBConnection, periodIds: number[] | null): Promise<number> {
  if (periodIds !== null && periodIds.length === 0) return 0;
  const rows = await pgQuery(db, SELECT_SUBMISSION_FACTS, [periodIds]);
  if (periodIds === null) await conn.run("delete from fact_submission");
  else await conn.run(`delete from fact_submission where period_id in (${marks(periodIds.length)})`, periodIds);
  const w = await ChunkWriter.open(conn, "fact_submission", ["int", "text", "int", "int", "text", "bool", "int", "timestamptz", "timestamptz", "timestamptz", "date", "bool", "timestamptz", "bool"]);
  for (const r of rows)
    w.push([r.period_id, r.form_code, r.unit_id, r.submission_id, r.status, r.expected, r.approver_unit_id, r.first_submitted_at, r.submitted_at, r.approved_at, r.deadline, r.on_time, r.source_updated_at, r.is_demo]);
  return w.close();
}
