import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { DuckDBInstance, DuckDBDateValue } from "@duckdb/node-api";
import type { Column, DataTable } from "../table.ts";
import { assertTable } from "../table.ts";
import { typedColumnNames } from "./columns.ts";

/**
 * Parquet with typed columns, written by DuckDB: the table is appended into
 * an in-memory DuckDB (its own instance, never the warehouse file) and
 * copied out with COPY … (FORMAT parquet). Integer → BIGINT, number →
 * DOUBLE, string → VARCHAR, date → DATE.
 */
const sqlType = (c: Column) => (c.type === "integer" ? "BIGINT" : c.type === "number" ? "DOUBLE" : c.type === "date" ? "DATE" : "VARCHAR");
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

export async function tableToParquet(t: DataTable): Promise<Buffer> {
  assertTable(t);
  const names = typedColumnNames(t.columns);
  const inst = await DuckDBInstance.create(":memory:");
  const con = await inst.connect();
  const file = path.join(os.tmpdir(), `csdl-export-${randomBytes(6).toString("hex")}.parquet`);
  try {
    await con.run(`create table t (${t.columns.map((c, i) => `${ident(names[i])} ${sqlType(c)}`).join(", ")})`);
    const app = await con.createAppender("t");
    for (const r of t.rows) {
      t.columns.forEach((c) => {
        const v = r[c.key];
        if (v === null || v === undefined) app.appendNull();
        else if (c.type === "integer") app.appendBigInt(BigInt(v as number));
        else if (c.type === "number") app.appendDouble(v as number);
        else if (c.type === "date") {
          const [y, m, d] = String(v).split("-").map(Number);
          app.appendDate(new DuckDBDateValue(Math.round(Date.UTC(y, m - 1, d) / 86_400_000)));
        } else app.appendVarchar(String(v));
      });
      app.endRow();
    }
    app.closeSync();
    // the path is ours (random name in the temp dir), not user input
    await con.run(`copy t to '${file.replace(/'/g, "''")}' (format parquet, compression zstd)`);
    return await fs.readFile(file);
  } finally {
    con.closeSync();
    inst.closeSync();
    await fs.rm(file, { force: true });
  }
}
