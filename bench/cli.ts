/**
 * npm run bench [-- --scale province|national] [--communes N] [--indicators N] [--years N] [--memory 2GB] [--json] [--keep] [--reuse DB] [--runs N]
 *
 * Generates synthetic operational data in a fresh Postgres database, then in
 * one run measures: the COPY ceiling (best of three: two before the ETL, one after), the full ETL, incremental freshness
 * (approval → visible), the typical dashboard queries on DuckDB and on
 * Postgres (with DBA indexes), and the ETL's peak memory.
 *   province (default): 161 communes, 200 indicators, 10 years (≈ 1.6 M facts)
 *   national:          10 000 communes, the issue's national size (≈ 93 M facts, ≈ 15 GB
 *                      of Postgres, about half an hour on 2 cores); --communes 2000 (≈ 19 M
 *                      facts) or 5000 (≈ 47 M) measure in minutes
 * --reuse DB measures a database kept by an earlier --keep run again, without generating.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openPostgres } from "../app/db/postgres.server.ts";
import { createDb, migrate } from "../app/db/knex.server.ts";
import { buildScope } from "../app/scope/scope.ts";
import { openWarehouse } from "../warehouse/service.ts";
import { createEtlRunner } from "../etl/runner.ts";
import { COPY_ALL_FACTS } from "../etl/extract-sql.ts";
import { copyOutBinary } from "../etl/pg-binary-copy.ts";
import { queryIndicators } from "../warehouse/query/index.ts";
import { addPostgresIndexes, generate, measureExisting, type BenchSize } from "./generate.ts";
import { benchQueries, duckSource, median } from "./queries.ts";

interface Args {
  scale: "province" | "national";
  size: BenchSize;
  json: boolean;
  keep: boolean;
  /** A database kept by an earlier --keep run: measured again without generating. */
  reuse: string | undefined;
  memory: string | undefined;
  runs: number;
}

function parseArgs(argv: string[]): Args {
  const val = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  // a kept database is named after its scale (csdl_bench_<scale>_<hex>): --reuse reports that scale
  const reusedScale = /^csdl_bench_(province|national)_/.exec(val("--reuse") ?? "")?.[1];
  const scale = (val("--scale") ?? reusedScale ?? "province") as Args["scale"];
  if (scale !== "province" && scale !== "national") throw new Error(`--scale province|national (có: ${scale})`);
  const num = (name: string, def: number) => {
    const v = val(name);
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} phải là số nguyên dương / must be a positive integer`);
    return n;
  };
  const communes = num("--communes", scale === "national" ? 10_000 : 161);
  return {
    scale,
    size: {
      provinces: scale === "national" ? Math.max(1, Math.min(63, Math.round(communes / 160))) : 1,
      communes,
      indicators: num("--indicators", 200),
      years: num("--years", 10),
    },
    json: argv.includes("--json"),
    keep: argv.includes("--keep") || val("--reuse") !== undefined,
    reuse: val("--reuse"),
    memory: val("--memory"),
    runs: num("--runs", 7),
  };
}

const log = (m: string) => process.stderr.write(`${m}\n`);

/**
 * The bare COPY: the ETL's extract read out of Postgres with `COPY … TO STDOUT (FORMAT binary)`
 * through the same socket reader the ETL uses (etl/pg-binary-copy.ts), draining every message
 * and decoding none — what reading the rows costs before any work is done on them.
 */
async function copyCeiling(url: string): Promise<{ rows: number; seconds: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const t0 = performance.now();
    const rows = await copyOutBinary(client, COPY_ALL_FACTS, [], () => undefined, { decode: false });
    return { rows, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await client.end();
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const pgh = await openPostgres({ databaseUrl: process.env.DATABASE_URL, dataDir: path.resolve(process.env.DATA_DIR ?? "./data", "bench-pg") });
  if (args.reuse !== undefined && !/^csdl_bench_[a-z0-9_]+$/.test(args.reuse)) throw new Error(`--reuse: tên CSDL của bench / a bench database name (${args.reuse})`);
  const dbName = args.reuse ?? `csdl_bench_${args.scale}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: pgh.url });
  await admin.connect();
  if (!args.reuse) await admin.query(`create database ${dbName}`);
  const u = new URL(pgh.url);
  u.pathname = `/${dbName}`;
  const url = u.toString();
  const db = createDb(url, { max: 6 });
  const dir = mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), "csdl-bench-"));
  try {
    await migrate(db);
    if (args.reuse) log(`Dùng lại CSDL ${dbName} / reusing a kept database`);
    else log(`Sinh dữ liệu ${args.scale}: ${args.size.communes} xã, ${args.size.indicators} chỉ tiêu, ${args.size.years} năm… / generating`);
    const gen = args.reuse ? await measureExisting(db) : await generate(db, args.size, log);
    log(`  ${gen.facts.toLocaleString("vi-VN")} facts${args.reuse ? "" : ` trong ${gen.seconds.toFixed(1)} s`}`);

    log("Trần COPY … TO STDOUT / COPY ceiling…");
    // Best of three: two before the ETL and one right after it (below), so that the ceiling
    // gets whatever page cache the ETL's own COPY had — a ceiling measured cold (a --reuse run
    // after other work) was seen 1.5× slower than the ETL's COPY and would flatter the ratio.
    const ceilings = [await copyCeiling(url), await copyCeiling(url)];

    log("ETL toàn bộ / full ETL…");
    const wh = await openWarehouse({ path: path.join(dir, "bench.duckdb"), memoryLimit: args.memory });
    const etl = createEtlRunner({ db, warehouse: wh });
    const full = await etl.run({ mode: "full", trigger: "bench" });
    const rssMb = process.resourceUsage().maxRSS / 1024;
    const etlRowsPerS = full.rowsRead / full.seconds;
    log("Trần COPY, lần 3 / COPY ceiling, third run…");
    ceilings.push(await copyCeiling(url));
    const ceiling = ceilings.reduce((a, c) => (c.seconds < a.seconds ? c : a));
    const copyRowsPerS = ceiling.rows / ceiling.seconds;

    log("Độ trễ tăng dần / incremental freshness…");
    const [pending] = (await db.raw(`select s.id, s.unit_id from submissions s join periods p on p.id = s.period_id where s.status = 'submitted' order by s.id limit 1`)).rows;
    let freshness = NaN;
    let incremental = null as null | Awaited<ReturnType<typeof etl.run>>;
    if (pending) {
      const t0 = performance.now();
      await db("submissions").where({ id: pending.id }).update({ status: "approved", approved_at: new Date() });
      incremental = await etl.run({ trigger: "bench" });
      const seen = await wh.all(`select count(*)::integer as n from fact_indicator_value where submission_id = ?`, [pending.id]);
      freshness = (performance.now() - t0) / 1000;
      if (Number(seen[0]?.n) === 0) throw new Error("incremental run did not make the approval visible");
    }

    log("Chỉ mục Postgres / Postgres DBA indexes…");
    const idxSeconds = await addPostgresIndexes(db);

    const provinces = (await db("units").where({ tier: "province" }).orderBy("id").select("id", "path")) as { id: number; path: string }[];
    const scopeFor = (prefixes: string[]) => ({
      ...buildScope({ userId: 0, username: "bench", unitId: provinces[0]!.id, unitPath: provinces[0]!.path, tier: "province", roles: ["analyst"], sectorDomains: [] }),
      grants: prefixes.map((p) => ({ pathPrefix: p, domains: null })),
    });
    const prefixes = provinces.map((p) => p.path);
    const year = String(2025 - 1);
    const queries = benchQueries({ db, wh, scope: scopeFor(prefixes), prefixes, provincePrefix: provinces[0]!.path, provinceScope: scopeFor([provinces[0]!.path]), year, openYear: "2025" });
    const queryMs: Record<string, number> = {};
    const pgMs: Record<string, number> = {};
    const rowsMatch: Record<string, boolean> = {};
    for (const q of queries) {
      log(`  ${q.name}…`);
      queryMs[q.name] = await median(q.duck, args.runs);
      pgMs[q.name] = await median(q.pg, Math.max(3, Math.min(args.runs, 5)));
      rowsMatch[q.name] = (await q.duck()) === (await q.pg());
    }
    const ratios = queries.map((q) => pgMs[q.name]! / queryMs[q.name]!);
    const geomean = Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length);
    // sanity: the warehouse and Postgres agree on a total
    const check = await queryIndicators(wh, scopeFor(prefixes), { indicators: ["B001"], filters: { periods: [year] } });

    const result = {
      scale: args.scale,
      facts: full.factsWritten,
      etl_rows_per_s: Math.round(etlRowsPerS),
      copy_rows_per_s: Math.round(copyRowsPerS),
      etl_vs_copy: Number((etlRowsPerS / copyRowsPerS).toFixed(3)),
      freshness_s: Number(freshness.toFixed(3)),
      query_ms: Object.fromEntries(Object.entries(queryMs).map(([k, v]) => [k, Number(v.toFixed(2))])),
      postgres_query_ms: Object.fromEntries(Object.entries(pgMs).map(([k, v]) => [k, Number(v.toFixed(2))])),
      duckdb_vs_postgres_geomean: Number(geomean.toFixed(2)),
      etl_peak_rss_mb: Math.round(rssMb),
      details: {
        size: args.size,
        submissions: gen.submissions,
        generate_s: Number(gen.seconds.toFixed(1)),
        etl_full_s: Number(full.seconds.toFixed(2)),
        etl_checks_passed: full.checksPassed,
        etl_checks_ms: Object.fromEntries(full.checks.map((c) => [c.name, c.ms])),
        etl_phases_s: Object.fromEntries(Object.entries(full.phases).map(([k, v]) => [k, Number(v.toFixed(2))])),
        copy_ceiling_s: Number(ceiling.seconds.toFixed(2)),
        copy_runs_s: ceilings.map((c) => Number(c.seconds.toFixed(2))),
        incremental_run_s: incremental ? Number(incremental.seconds.toFixed(3)) : null,
        postgres_index_build_s: Number(idxSeconds.toFixed(1)),
        rows_match: rowsMatch,
        duckdb_source: { ...duckSource },
        b001_total_check: check.rows[0]?.value ?? null,
        duckdb_memory_limit: args.memory ?? "default (40% of RAM, max 4 GB)",
        machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB`,
      },
    };
    await wh.close();
    if (args.json) process.stdout.write(JSON.stringify(result) + "\n");
    else printTable(result);
  } finally {
    await db.destroy();
    if (!args.keep) await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => undefined);
    else log(`Giữ lại CSDL ${dbName} / kept database ${dbName}`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
    await pgh.stop();
  }
}

function printTable(r: {
  scale: string; facts: number; etl_rows_per_s: number; copy_rows_per_s: number; etl_vs_copy: number; freshness_s: number;
  query_ms: Record<string, number>; postgres_query_ms: Record<string, number>; duckdb_vs_postgres_geomean: number; etl_peak_rss_mb: number;
  details: Record<string, unknown>;
}) {
  const f = (n: number) => n.toLocaleString("vi-VN");
  const lines = [
    `Quy mô / scale                 ${r.scale}`,
    `Facts                          ${f(r.facts)}`,
    `ETL toàn bộ (facts/s)          ${f(r.etl_rows_per_s)}   (${r.details.etl_full_s} s)`,
    `Trần COPY (dòng/s)             ${f(r.copy_rows_per_s)}`,
    `ETL / COPY                     ${r.etl_vs_copy}`,
    `Độ tươi tăng dần (s)           ${r.freshness_s}`,
    `Bộ nhớ đỉnh ETL (MB)           ${f(r.etl_peak_rss_mb)}`,
    ``,
    `Truy vấn / query               DuckDB ms   Postgres ms   ×`,
    ...Object.keys(r.query_ms).map(
      (k) => `${k.padEnd(30)} ${r.query_ms[k]!.toFixed(2).padStart(9)}   ${r.postgres_query_ms[k]!.toFixed(2).padStart(11)}   ${(r.postgres_query_ms[k]! / r.query_ms[k]!).toFixed(1)}`,
    ),
    `DuckDB vs Postgres (geomean)   ${r.duckdb_vs_postgres_geomean}×`,
  ];
  process.stdout.write(lines.join("\n") + "\n");
}

main().catch((e) => {
  process.stderr.write(`Bench thất bại / failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
