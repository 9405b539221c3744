import { Float64, Int64, Utf8, DateDay, Field, Schema, Table, makeBuilder, tableToIPC, type DataType, type Vector, makeVector } from "apache-arrow";
import type { Column, DataTable } from "../table.ts";
import { assertTable } from "../table.ts";
import { typedColumnNames } from "./columns.ts";

/**
 * Arrow IPC (file format, ".arrow") with typed columns: integer → Int64,
 * number → Float64, string → Utf8, date → Date32 (days). Nulls preserved.
 */
function arrowType(c: Column): DataType {
  return c.type === "integer" ? new Int64() : c.type === "number" ? new Float64() : c.type === "date" ? new DateDay() : new Utf8();
}

function columnVector(c: Column, t: DataTable): Vector {
  const type = arrowType(c);
  const b = makeBuilder({ type, nullValues: [null, undefined] });
  for (const r of t.rows) {
    const v = r[c.key];
    if (v === null || v === undefined) b.append(null);
    else if (c.type === "integer") b.append(BigInt(v as number));
    else if (c.type === "date") b.append(new Date(`${v}T00:00:00Z`));
    else b.append(v);
  }
  return makeVector(b.finish().flush());
}

export function tableToArrow(t: DataTable): Table {
  assertTable(t);
  const names = typedColumnNames(t.columns);
  const fields = t.columns.map((c, i) => new Field(names[i], arrowType(c), true));
  const vectors = t.columns.map((c) => columnVector(c, t));
  const cols = Object.fromEntries(names.map((n, i) => [n, vectors[i]]));
  const table = new Table(cols);
  return new Table(new Schema(fields), table.batches);
}

export function tableToArrowIpc(t: DataTable): Uint8Array {
  return tableToIPC(tableToArrow(t), "file");
}
