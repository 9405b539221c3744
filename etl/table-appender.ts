import os from "node:os";
import {
  BOOLEAN,
  DATE,
  DOUBLE,
  DuckDBDataChunk,
  DuckDBDateValue,
  DuckDBEnumType,
  DuckDBTimestampTZValue,
  DuckDBTypeId,
  INTEGER,
  TIMESTAMPTZ,
  VARCHAR,
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
} from "@duckdb/node-api";

/** Column kinds the warehouse uses, with their JS → DuckDB conversion. */
export type ColKind = "int" | "text" | "double" | "bool" | "date" | "timestamptz";

const TYPES: Record<ColKind, DuckDBType> = { int: INTEGER, text: VARCHAR, double: DOUBLE, bool: BOOLEAN, date: DATE, timestamptz: TIMESTAMPTZ };
export const CHUNK_ROWS = 2048;

const DAY_MS = 86_400_000;

/** 'YYYY-MM-DD' (or a Date) → DuckDB DATE. */
export function toDate(v: unknown): DuckDBDateValue | null {
  if (v === null || v === undefined) return null;
  const ms = v instanceof Date ? v.getTime() : Date.parse(`${String(v).slice(0, 10)}T00:00:00Z`);
  return new DuckDBDateValue(Math.floor(ms / DAY_MS));
}

/** Date (or ISO string) → DuckDB TIMESTAMPTZ. */
export function toTimestamp(v: unknown): DuckDBTimestampTZValue | null {
  if (v === null || v === undefined) return null;
  const ms = v instanceof Date ? v.getTime() : Date.parse(String(v));
  return new DuckDBTimestampTZValue(BigInt(ms) * 1000n);
}

function convert(kind: ColKind, v: unknown): DuckDBValue {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case "int":
    case "double":
      return Number(v);
    case "text":
      return String(v);
    case "bool":
      return Boolean(v);
    case "date":
      return toDate(v);
    case "timestamptz":
      return toTimestamp(v);
  }
}

/** An appender fed one data chunk at a time: `flushChunk` appends the rows held, `close` the rest. */
abstract class ChunkSink {
  n = 0;
  rows = 0;
  constructor(protected readonly appender: DuckDBAppender) {}

  protected abstract flushChunk(): void;

  /** Appends what is held, closes the appender; the number of rows appended. */
  close(): number {
    this.flushChunk();
    this.appender.flushSync();
    this.appender.closeSync();
    return this.rows;
  }
}

/**
 * Appends column arrays to a table through DuckDB data chunks (2048 rows a
 * chunk): the bulk path, never row-by-row appends.
 */
export class ChunkWriter extends ChunkSink {
  private readonly types: DuckDBType[];
  private cols: DuckDBValue[][];
  constructor(
    appender: DuckDBAppender,
    private readonly kinds: readonly ColKind[],
  ) {
    super(appender);
    this.types = kinds.map((k) => TYPES[k]);
    this.cols = kinds.map(() => new Array(CHUNK_ROWS));
  }

  static async open(conn: DuckDBConnection, table: string, kinds: readonly ColKind[]): Promise<ChunkWriter> {
    return new ChunkWriter(await conn.createAppender(table), kinds);
  }

  /** One row of already-converted DuckDB values (hot path: binary COPY). */
  pushRaw(values: readonly DuckDBValue[]): void {
    for (let i = 0; i < values.length; i++) this.cols[i]![this.n] = values[i]!;
    if (++this.n === CHUNK_ROWS) this.flushChunk();
  }

  /** One row of JS values (dims, fact_submission): converted per column kind. */
  push(values: readonly unknown[]): void {
    for (let i = 0; i < this.kinds.length; i++) this.cols[i]![this.n] = convert(this.kinds[i]!, values[i]);
    if (++this.n === CHUNK_ROWS) this.flushChunk();
  }

  protected flushChunk(): void {
    if (this.n === 0) return;
    const chunk = DuckDBDataChunk.create(this.types, this.n);
    for (let i = 0; i < this.cols.length; i++) chunk.setColumnValues(i, this.n === CHUNK_ROWS ? this.cols[i]! : this.cols[i]!.slice(0, this.n));
    this.appender.appendDataChunk(chunk);
    this.rows += this.n;
    this.n = 0;
  }
}

/**
 * The bulk path into fact_indicator_value (a full rebuild): callers write each
 * row straight into the typed arrays of one reused data chunk — `cols.x[k]`
 * for every column — so a row costs a few typed-array stores; every 2048 rows
 * (`appendFull`; the rest: `n = k`, then `close`) the arrays are copied into
 * the chunk's vectors and the chunk appended (DuckDB copies it, so the chunk
 * is reused). The chunk's types are
 * the table's own (its appender's), checked against the layout written here:
 * indicator, period, unit (integer), ethnicity, sex (one-byte enums: the enum
 * index is written), value (double), submission (integer), approved_at
 * (timestamptz: the two 32-bit halves of its microseconds, or `nullAt`).
 */
export class FactChunkWriter extends ChunkSink {
  readonly cols: {
    indicator: Int32Array;
    period: Int32Array;
    unit: Int32Array;
    eth: Uint8Array;
    sex: Uint8Array;
    value: Float64Array;
    submission: Int32Array;
    /** Little-endian halves of each row's int64 microseconds: [2k] low, [2k + 1] high. */
    at: Int32Array;
  };
  readonly ethType: DuckDBEnumType;
  readonly sexType: DuckDBEnumType;
  private readonly chunk: DuckDBDataChunk;
  private readonly vectors: { flush(): void }[];
  private readonly atValidity: { setItemValid(i: number, valid: boolean): void };
  private nulls: number[] = [];

  private constructor(appender: DuckDBAppender) {
    super(appender);
    if (os.endianness() !== "LE") throw new Error("FactChunkWriter writes little-endian timestamps");
    const types = Array.from({ length: appender.columnCount }, (_, i) => appender.columnType(i));
    const want = ["INTEGER", "INTEGER", "INTEGER", "ENUM", "ENUM", "DOUBLE", "INTEGER", "TIMESTAMP_TZ"];
    const got = types.map((t) => DuckDBTypeId[t.typeId]);
    if (got.join() !== want.join()) throw new Error(`fact_indicator_value: cột ${got.join()} ≠ ${want.join()} / unexpected column types`);
    this.ethType = types[3] as DuckDBEnumType;
    this.sexType = types[4] as DuckDBEnumType;
    if (this.ethType.values.length > 256 || this.sexType.values.length > 256) throw new Error("enum > 256 values");
    this.chunk = DuckDBDataChunk.create(types, CHUNK_ROWS);
    const vecs = types.map((_, i) => this.chunk.getColumnVector(i) as unknown as { items: ArrayBufferView; flush(): void; validity: FactChunkWriter["atValidity"] });
    this.vectors = vecs;
    const items = vecs.map((v) => v.items);
    if (items.some((a) => a.byteLength / ((a as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT) !== CHUNK_ROWS)) throw new Error("unexpected vector size");
    const at = items[7] as BigInt64Array;
    this.cols = {
      indicator: items[0] as Int32Array,
      period: items[1] as Int32Array,
      unit: items[2] as Int32Array,
      eth: items[3] as Uint8Array,
      sex: items[4] as Uint8Array,
      value: items[5] as Float64Array,
      submission: items[6] as Int32Array,
      at: new Int32Array(at.buffer, at.byteOffset, CHUNK_ROWS * 2),
    };
    this.atValidity = vecs[7]!.validity;
  }

  static async open(conn: DuckDBConnection, table = "fact_indicator_value"): Promise<FactChunkWriter> {
    return new FactChunkWriter(await conn.createAppender(table));
  }

  /** Row `k` of the chunk has no approval time. */
  nullAt(k: number): void {
    this.atValidity.setItemValid(k, false);
    this.nulls.push(k);
  }

  /** The chunk is full (CHUNK_ROWS rows written from 0): appends it; the next row is 0. */
  appendFull(): number {
    this.n = CHUNK_ROWS;
    this.flushChunk();
    return 0;
  }

  /** Closes the appender without appending what is held (the caller failed). */
  abandon(): void {
    this.n = 0;
    try {
      this.appender.closeSync();
    } catch {
      /* the transaction is rolled back anyway */
    }
  }

  protected flushChunk(): void {
    if (this.n === 0) return;
    this.chunk.rowCount = this.n;
    for (const v of this.vectors) v.flush();
    this.appender.appendDataChunk(this.chunk);
    for (const k of this.nulls) this.atValidity.setItemValid(k, true);
    this.nulls.length = 0;
    this.rows += this.n;
    this.n = 0;
  }
}
