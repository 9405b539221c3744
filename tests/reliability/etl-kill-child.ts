/**
 * Child of the ETL-kill reliability test: one ETL run (incremental by
 * default) on CHILD_DATABASE_URL → CHILD_WAREHOUSE. Prints START right
 * before the run and DONE <ms> after it; the parent SIGKILLs it in between.
 */
import { createDb } from "../../app/db/knex.server.ts";
import { openWarehouse } from "../../warehouse/service.ts";
import { createEtlRunner } from "../../etl/runner.ts";

const db = createDb(process.env.CHILD_DATABASE_URL!, { max: 4 });
const wh = await openWarehouse({ path: process.env.CHILD_WAREHOUSE! });
const etl = createEtlRunner({ db, warehouse: wh });
process.stdout.write("START\n");
const t0 = performance.now();
const r = await etl.run({ mode: (process.env.CHILD_MODE as "full" | "incremental") ?? "incremental", trigger: "test", waitMs: 30_000, batchRows: 64 });
process.stdout.write(`DONE ${Math.round(performance.now() - t0)} ${r.status}\n`);
await wh.close();
await db.destroy();
process.exit(r.status === "succeeded" ? 0 : 1);
