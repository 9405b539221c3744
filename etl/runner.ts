import type { DuckDBConnection } from "@duckdb/node-api";
import type { Db } from "../app/db/knex.server.ts";
import type { WarehouseService } from "../warehouse/service.ts";
import { FullChecks, runChecks, type CheckResult } from "./checks.ts";
import { CheckFailedError, EtlError, InjectedFailure } from "./errors.ts";
import { SELECT_CANDIDATES } from "./extract-sql.ts";
import { loadDims, readDims } from "./load-dims.ts";
import { buildRanges, dropBuildTables, endBuild, FACT_BUILD, startBuild, swapInBuild } from "./full-build.ts";
import { createStage, insertStaged, selectFactsOf, STAGE } from "./load-facts.ts";
import { readFactRanges } from "./full-facts.ts";
import { planIndicatorRanges } from "./indicator-slices.ts";
import { loadSubmissionFacts } from "./load-submissions.ts";
import { martsRatiosFull, MARTS_VERSION, refreshMarts, refreshSubmissionMart } from "./load-marts.ts";
import { acquireEtlLock } from "./lock.ts";
import { pgQuery } from "./pg-query.ts";
import { finishRun, startRun, type EtlCounts, type EtlMode, type EtlTrigger } from "./runs.ts";
import { ChunkWriter } from "./table-appender.ts";

export type EtlPhase = "lock" | "dims" | "changes" | "facts" | "derive" | "submissions" | "marts" | "checks" | "commit" | "done";

export interface EtlProgress {
  phase: EtlPhase;
  rowsRead: number;
  /** Estimated rows to read (full rebuild), for a progress bar; null if unknown. */
  estimate: number | null;
}

export interface EtlRunOptions {
  mode?: EtlMode;
  trigger?: EtlTrigger;
  /** Wait up to this long for another run to finish (default 0: fail at once with EtlBusyError). */
  waitMs?: number;
  onProgress?: (p: EtlProgress) => void;
  /** Rows per progress batch (default 65 536). */
  batchRows?: number;
  /** Tests: throw after this many batches, mid-load. */
  failAfterBatches?: number;
  /** Tests (full rebuild): throw after this many ranges were written to the fact table. */
  failAfterRanges?: number;
  /** Full rebuild: facts per indicator range (default ~2 M; tests make it small to get several ranges). */
  rangeFacts?: number;
}

export interface EtlSummary extends EtlCounts {
  runId: number;
  mode: EtlMode;
  status: "succeeded" | "failed";
  seconds: number;
  watermark: string | null;
  checks: CheckResult[];
  /** Seconds spent per phase. */
  phases: Record<string, number>;
  error?: string;
}

export interface EtlRunner {
  run(opts?: EtlRunOptions): Promise<EtlSummary>;
  /** A run of this process is in progress. */
  readonly running: boolean;
}

/** Overlap of the watermark window: changes committed late with an earlier updated_at are still seen. */
const OVERLAP_SECONDS = 120;

const newCounts = (): EtlCounts => ({ rowsRead: 0, factsWritten: 0, factsRetracted: 0, factsReplaced: 0, submissionsChanged: 0, checksPassed: 0, checksFailed: 0 });

async function readState(conn: DuckDBConnection): Promise<Map<string, string>> {
  const r = await conn.runAndReadAll("select key, value from etl_state");
  return new Map(r.getRowObjects().map((x) => [String(x.key), String(x.value)]));
}

async function writeState(conn: DuckDBConnection, kv: Record<string, string>): Promise<void> {
  for (const [k, v] of Object.entries(kv)) {
    await conn.run("delete from etl_state where key = ?", [k]);
    await conn.run("insert into etl_state values (?, ?)", [k, v]);
  }
}

/**
 * The ETL: Postgres (approved submissions) → the DuckDB star schema.
 *
 * Every run is one DuckDB transaction on a dedicated connection: dimensions,
 * facts, completeness, watermark and checks commit together or not at all.
 * Readers on other connections keep seeing the previous state until the
 * commit (MVCC); a process killed mid-run leaves an uncommitted transaction
 * that DuckDB discards on the next open. Runs are serialised across processes
 * by a Postgres advisory lock and recorded in etl_runs.
 */
export function createEtlRunner(deps: { db: Db; warehouse: WarehouseService }): EtlRunner {
  const { db, warehouse } = deps;
  let running = false;

  async function run(opts: EtlRunOptions = {}): Promise<EtlSummary> {
    const started = performance.now();
    const trigger = opts.trigger ?? "cli";
    const batchRows = opts.batchRows ?? 65_536;
    const phases: Record<string, number> = {};
    let phaseName: EtlPhase = "lock";
    let phaseStart = performance.now();
    const progress = (phase: EtlPhase, rowsRead: number, estimate: number | null = null) => {
      if (phase !== phaseName) {
        const t = performance.now();
        phases[phaseName] = (phases[phaseName] ?? 0) + (t - phaseStart) / 1000;
        phaseName = phase;
        phaseStart = t;
      }
      opts.onProgress?.({ phase, rowsRead, estimate });
    };
    progress("lock", 0);
    const lock = await acquireEtlLock(db, { waitMs: opts.waitMs });
    running = true;
    let mode: EtlMode = opts.mode ?? "incremental";
    const counts = newCounts();
    let runId = 0;
    let conn: DuckDBConnection | null = null;
    /** A full rebuild's second connection: it writes the facts while `conn` computes marts and checks. */
    let writer: DuckDBConnection | null = null;
    let inTx = false;
    let watermarkFrom: Date | null = null;
    let watermarkTo: Date | null = null;
    let checks: CheckResult[] = [];
    try {
      runId = await startRun(db, mode, trigger);
      conn = await warehouse.connect();
      const state = await readState(conn);
      const wm = state.get("watermark");
      // The source database's identity: a warehouse built from another database (a restore,
      // a new DATABASE_URL) must not be patched incrementally from this one.
      const [{ source }] = await pgQuery<{ source: string }>(
        db,
        "select current_database() || ':' || (select oid from pg_database where datname = current_database())::text as source",
      );
      if (mode === "incremental" && (!wm || state.get("source") !== source)) mode = "full"; // empty or foreign warehouse: build it
      if (mode === "incremental" && state.get("marts") !== MARTS_VERSION) mode = "full"; // marts missing or of an older definition
      watermarkFrom = wm && mode === "incremental" ? new Date(wm) : null;
      // The new watermark is read before any data: everything committed after it is seen next time.
      const [{ now }] = await pgQuery<{ now: Date }>(db, "select now() as now");
      watermarkTo = now;

      let batches = 0;
      let estimate: number | null = null;
      const onBatch = (n: number) => {
        counts.rowsRead = n;
        progress("facts", n, estimate);
        if (opts.failAfterBatches !== undefined && ++batches >= opts.failAfterBatches)
          throw new InjectedFailure(`lỗi giả lập sau ${batches} lô / injected failure after ${batches} batches`);
      };

      // a killed full rebuild's build tables (the live tables never depended on them)
      await dropBuildTables(conn);
      let fullChecks: FullChecks | null = null;
      if (mode === "full") {
        const [est] = await pgQuery<{ n: number }>(
          db,
          "select greatest(reltuples, 0)::float8 as n from pg_class where oid = 'submission_values'::regclass",
        );
        estimate = est?.n ? Math.round(est.n) : null;
        progress("dims", 0);
        const dims = await readDims(db);
        // The build: dimensions, facts and sum-mart rows go to build tables, outside the run's transaction,
        // so that two connections work at once — one writes range i + 1 of the facts while the
        // other computes range i's mart rows and cell checks. The live tables are untouched
        // until the transaction below swaps the build tables in; a failed or killed build
        // leaves only build tables, dropped by the next run.
        await startBuild(conn, dims);
        const ranges = await planIndicatorRanges(db, conn, estimate, opts.rangeFacts);
        progress("facts", 0, estimate);
        // Facts held in memory by indicator id range as they arrive; then, range by range in
        // indicator order, written sorted (the table ends up sorted by indicator, period, unit),
        // each range's sum-mart rows and partitioned checks computed right after it.
        const read = await readFactRanges(db, conn, ranges, batchRows, onBatch, { table: FACT_BUILD });
        counts.rowsRead = read.rows;
        fullChecks = new FullChecks(conn);
        writer = await warehouse.connect();
        counts.factsWritten = await buildRanges({
          conn,
          writer,
          read,
          checks: fullChecks,
          onRange: () => progress("derive", counts.rowsRead, estimate),
          failAfterRanges: opts.failAfterRanges,
        });
        await endBuild(conn);
      }

      await conn.run("begin transaction");
      inTx = true;
      if (mode === "full") {
        await swapInBuild(conn); // dimensions, facts and sum marts
        progress("submissions", counts.rowsRead, estimate);
        await loadSubmissionFacts(db, conn, null);
        const sc = await conn.runAndReadAll("select count(*)::integer as n from fact_submission where submission_id is not null");
        counts.submissionsChanged = Number(sc.getRowObjects()[0]?.n ?? 0);
        progress("marts", counts.rowsRead, estimate);
        await martsRatiosFull(conn);
        await refreshSubmissionMart(conn, null);
        progress("checks", counts.rowsRead, estimate);
        checks = await fullChecks!.finish();
      } else {
        progress("dims", 0);
        await loadDims(db, conn);
        progress("changes", 0);
        const candidates = await pgQuery<{ id: number; status: string; updated_at: Date; period_id: number }>(db, SELECT_CANDIDATES, [
          watermarkFrom,
          OVERLAP_SECONDS,
        ]);
        await conn.run("create or replace temp table etl_candidates (submission_id integer, status varchar, updated_at timestamptz, period_id integer)");
        const cw = await ChunkWriter.open(conn, "etl_candidates", ["int", "text", "timestamptz", "int"]);
        for (const c of candidates) cw.push([c.id, c.status, c.updated_at, c.period_id]);
        cw.close();
        // Changed = new to the warehouse, or a different status or updated_at than it last saw.
        await conn.run(`create or replace temp table etl_batch as
          select c.submission_id, c.status, c.period_id, fs.status as old_status
            from etl_candidates c
            left join fact_submission fs on fs.submission_id = c.submission_id
           where fs.submission_id is null or fs.status <> c.status or fs.source_updated_at is distinct from c.updated_at`);
        const batch = (await conn.runAndReadAll("select submission_id, status, period_id from etl_batch")).getRowObjects();
        const ids = batch.map((b) => Number(b.submission_id));
        counts.submissionsChanged = ids.length;
        if (ids.length > 0) {
          const split = await conn.runAndReadAll(`
            select count(*) filter (where b.status = 'approved')::integer as replaced,
                   count(*) filter (where b.status <> 'approved')::integer as retracted
              from fact_indicator_value f join etl_batch b using (submission_id)`);
          const sp = split.getRowObjects()[0]!;
          counts.factsReplaced = Number(sp.replaced ?? 0);
          counts.factsRetracted = Number(sp.retracted ?? 0);
          await conn.run("delete from fact_indicator_value f using etl_batch b where f.submission_id = b.submission_id");
          const approvedIds = batch.filter((b) => b.status === "approved").map((b) => Number(b.submission_id));
          await createStage(conn);
          counts.rowsRead = await selectFactsOf(db, conn, approvedIds, batchRows, onBatch);
          progress("derive", counts.rowsRead);
          counts.factsWritten = await insertStaged(conn);
          await conn.run(`drop table ${STAGE}`);
        }
        // Completeness: periods of changed submissions, and every period not yet locked (new assignments, new units).
        const open = await pgQuery<{ id: number }>(db, "select id from periods where status <> 'locked'");
        const periodIds = [...new Set([...batch.map((b) => Number(b.period_id)), ...open.map((p) => p.id)])];
        progress("submissions", counts.rowsRead);
        await loadSubmissionFacts(db, conn, periodIds);
        progress("marts", counts.rowsRead);
        await refreshSubmissionMart(conn, periodIds);
        if (ids.length > 0) {
          await conn.run(`create or replace temp table etl_changed_cells as
            select distinct fs.period_id, fs.unit_id from fact_submission fs semi join etl_batch b using (submission_id)`);
          await refreshMarts(conn, "etl_changed_cells");
        }
        progress("checks", counts.rowsRead);
        checks = await runChecks(conn, { batchTable: "etl_batch" });
      }
      counts.checksPassed = checks.filter((c) => c.rows === 0).length;
      counts.checksFailed = checks.filter((c) => c.rows > 0).length;
      if (counts.checksFailed > 0) throw new CheckFailedError(checks.filter((c) => c.rows > 0));

      await writeState(conn, {
        watermark: watermarkTo.toISOString(),
        loaded_at: new Date().toISOString(),
        last_run_id: String(runId),
        last_mode: mode,
        source,
        marts: MARTS_VERSION,
      });
      progress("commit", counts.rowsRead);
      await conn.run("commit");
      inTx = false;
      // A full rebuild checkpoints now: left to DuckDB, the checkpoint of the swapped tables
      // (~2.5 s at 93 M facts) fell on the commit of a later incremental run, between an
      // approval and its facts becoming visible. Best effort: a reader DuckDB will not
      // checkpoint around leaves it to a later commit, as before.
      if (mode === "full") await conn.run("checkpoint").catch(() => undefined);
      const seconds = (performance.now() - started) / 1000;
      await finishRun(db, runId, { status: "succeeded", mode, counts, ms: seconds * 1000, watermarkFrom, watermarkTo, details: { checks, phases } });
      progress("done", counts.rowsRead);
      return { runId, mode, status: "succeeded", seconds, watermark: watermarkTo.toISOString(), checks, phases, ...counts };
    } catch (e) {
      if (conn && inTx) await conn.run("rollback").catch(() => undefined);
      if (writer) await writer.run("rollback").catch(() => undefined); // a range being written
      if (conn) await dropBuildTables(conn).catch(() => undefined);
      const seconds = (performance.now() - started) / 1000;
      const message = e instanceof Error ? e.message : String(e);
      if (runId)
        await finishRun(db, runId, {
          status: "failed",
          mode,
          counts,
          ms: seconds * 1000,
          watermarkFrom,
          watermarkTo: null,
          error: message,
          details: { checks, failed: e instanceof CheckFailedError ? e.failed : undefined },
        }).catch(() => undefined);
      if (e instanceof EtlError) {
        (e as EtlError & { runId?: number }).runId = runId;
        throw e;
      }
      const wrapped = new EtlError(`ETL thất bại / ETL failed: ${message}`);
      (wrapped as EtlError & { runId?: number }).runId = runId;
      wrapped.cause = e;
      throw wrapped;
    } finally {
      writer?.closeSync();
      conn?.closeSync();
      running = false;
      await lock.release();
    }
  }

  return {
    run,
    get running() {
      return running;
    },
  };
}
