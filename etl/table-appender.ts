import {
  BOOLEAN,
  DATE,
  DOUBLE,
  DuckDBDataChunk,
  DuckDBDateValue,
  DuckDBTimestampTZValue,
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
 * The bulk path for numeric rows with no nulls (the full rebuild's stage):
 * callers write each row straight into the column arrays of one reused data
 * chunk — `cols[i][n]` for every column, then `next()` — so a row costs a few
 * typed-array stores; every 2048 rows the arrays are copied into the chunk's
 * vectors and the chunk appended (DuckDB copies it, so the chunk is reused).
 */
export class NumericChunkWriter extends ChunkSink {
  readonly cols: (Int32Array | Float64Array)[];
  private readonly chunk: DuckDBDataChunk;
  private readonly vectors: { items: Int32Array | Float64Array; flush(): void }[];
  private constructor(appender: DuckDBAppender, kinds: readonly ("int" | "double")[]) {
    super(appender);
    this.chunk = DuckDBDataChunk.create(
      kinds.map((k) => TYPES[k]),
      CHUNK_ROWS,
    );
    this.vectors = kinds.map((_, i) => this.chunk.getColumnVector(i) as unknown as { items: Int32Array | Float64Array; flush(): void });
    this.cols = this.vectors.map((v) => v.items);
    if (this.cols.some((c) => c.length !== CHUNK_ROWS)) throw new Error("unexpected vector size");
  }

  static async open(conn: DuckDBConnection, table: string, kinds: readonly ("int" | "double")[]): Promise<NumericChunkWriter> {
    return new NumericChunkWriter(await conn.createAppender(table), kinds);
  }

  /** The row at `n` is written: on to the next one. */
  next(): void {
    if (++this.n === CHUNK_ROWS) this.flushChunk();
  }

  protected flushChunk(): void {
    if (this.n === 0) return;
    this.chunk.rowCount = this.n;
    for (const v of this.vectors) v.flush();
    this.appender.appendDataChunk(this.chunk);
    this.rows += this.n;
    this.n = 0;
  }
}
