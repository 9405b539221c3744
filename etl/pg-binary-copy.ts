import { DuckDBTimestampTZValue, type DuckDBValue } from "@duckdb/node-api";

/**
 * A parser of Postgres' binary COPY format (COPY … TO STDOUT (FORMAT binary))
 * that decodes each field straight into the DuckDB value the appender takes:
 * no intermediate row objects, no text parsing of numbers.
 *
 * `copyOutBinary(client, sql, …)` reads the connection's socket itself (as
 * pg-copy-streams does) and decodes each CopyData message where it lies in the
 * socket buffer: no Buffer per row, no re-assembled stream — only a message cut
 * by a socket chunk boundary is copied.
 *
 * Supported column types: int4, float8, text, timestamptz, bool; and
 * "textcode": a text column decoded to a dense integer code, the index of its
 * string in `opts.codes` (strings met for the first time are appended), for
 * low-cardinality columns (ethnicity, sex) staged as integers.
 */
export type PgBinaryType = "int4" | "float8" | "text" | "textcode" | "timestamptz" | "bool";

const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
const PG_EPOCH_MICROS = 946_684_800_000_000n; // 2000-01-01 in Unix micros

export class CopyFormatError extends Error {
  override name = "CopyFormatError";
}

/** Returned by `TupleDecoder.tuple` when the bytes end inside the tuple (in one CopyData message: a format error). */
const INCOMPLETE = -1;
/** Returned by `TupleDecoder.tuple` for the trailer (field count -1). */
const TRAILER = -2;

/** A text of at most 3 bytes as one integer (its length and bytes): the key of the interning caches. */
const shortKey = (buf: Buffer, p: number, fl: number): number =>
  (fl << 24) | ((fl > 0 ? buf[p]! : 0) << 16) | ((fl > 1 ? buf[p + 1]! : 0) << 8) | (fl > 2 ? buf[p + 2]! : 0);

/** Decodes one tuple at a time into `values`, with the caches that make repeated short values free. */
class TupleDecoder {
  readonly values: DuckDBValue[];
  private readonly ncols: number;
  private lastTsKey = 0;
  private lastTs: DuckDBTimestampTZValue | null = null;
  private readonly tsCache = new Map<number, DuckDBTimestampTZValue>();
  private readonly shortText = new Map<number, string>();
  private readonly codes: string[];
  private readonly codeOf: Map<string, number>;
  private readonly shortCode = new Map<number, number>();

  constructor(
    private readonly types: readonly PgBinaryType[],
    codes: string[],
  ) {
    this.ncols = types.length;
    this.values = new Array(this.ncols);
    this.codes = codes;
    this.codeOf = new Map<string, number>(codes.map((c, i) => [c, i]));
  }

  private code(str: string): number {
    let c = this.codeOf.get(str);
    if (c === undefined) {
      c = this.codes.push(str) - 1;
      this.codeOf.set(str, c);
    }
    return c;
  }

  /** Length of the header at `pos` (signature, flags, extension), INCOMPLETE if it isn't all there. */
  static header(buf: Buffer, pos: number, end: number): number {
    if (end - pos < 19) return INCOMPLETE;
    if (!buf.subarray(pos, pos + 11).equals(SIGNATURE)) throw new CopyFormatError("not a binary COPY stream");
    const extLen = buf.readInt32BE(pos + 15);
    if (end - pos < 19 + extLen) return INCOMPLETE;
    return 19 + extLen;
  }

  /**
   * The tuple at `pos` (bytes up to `end`) into `values`: the position after it,
   * INCOMPLETE if it runs past `end`, TRAILER for the end-of-data marker.
   */
  tuple(buf: Buffer, dv: DataView, pos: number, end: number): number {
    if (pos + 2 > end) return INCOMPLETE;
    const fields = dv.getInt16(pos);
    if (fields === -1) return TRAILER;
    const ncols = this.ncols;
    if (fields !== ncols) throw new CopyFormatError(`expected ${ncols} fields, got ${fields}`);
    const values = this.values;
    const types = this.types;
    let p = pos + 2;
    for (let i = 0; i < ncols; i++) {
      if (p + 4 > end) return INCOMPLETE;
      const fl = dv.getInt32(p);
      p += 4;
      if (fl === -1) {
        values[i] = null;
        continue;
      }
      if (p + fl > end) return INCOMPLETE;
      switch (types[i]) {
        case "int4":
          values[i] = dv.getInt32(p);
          break;
        case "float8":
          values[i] = dv.getFloat64(p);
          break;
        case "text":
          if (fl <= 3) {
            // short codes (ethnicity, sex): interned, no decoding per row
            const k = shortKey(buf, p, fl);
            let str = this.shortText.get(k);
            if (str === undefined) {
              str = buf.toString("utf8", p, p + fl);
              this.shortText.set(k, str);
            }
            values[i] = str;
          } else values[i] = buf.toString("utf8", p, p + fl);
          break;
        case "textcode":
          if (fl <= 3) {
            const k = shortKey(buf, p, fl);
            let c = this.shortCode.get(k);
            if (c === undefined) {
              c = this.code(buf.toString("utf8", p, p + fl));
              this.shortCode.set(k, c);
            }
            values[i] = c;
          } else values[i] = this.code(buf.toString("utf8", p, p + fl));
          break;
        case "bool":
          values[i] = buf[p] === 1;
          break;
        case "timestamptz": {
          // few distinct values (one per submission): one value object per distinct raw value,
          // found by the raw words — no BigInt arithmetic per row
          const key = dv.getInt32(p) * 4294967296 + dv.getUint32(p + 4);
          if (key !== this.lastTsKey || this.lastTs === null) {
            this.lastTsKey = key;
            let ts = this.tsCache.get(key);
            if (ts === undefined) {
              ts = new DuckDBTimestampTZValue(buf.readBigInt64BE(p) + PG_EPOCH_MICROS);
              if (this.tsCache.size >= 100_000) this.tsCache.clear();
              this.tsCache.set(key, ts);
            }
            this.lastTs = ts;
          }
          values[i] = this.lastTs;
          break;
        }
      }
      p += fl;
    }
    return p;
  }
}

// Protocol message types met while the backend is in copy-out mode.
const MSG_COPY_DATA = 0x64; // 'd'
const MSG_COPY_DONE = 0x63; // 'c'
const MSG_COPY_OUT_RESPONSE = 0x48; // 'H'
const MSG_NOTICE = 0x4e; // 'N'
const MSG_PARAMETER_STATUS = 0x53; // 'S'
const MSG_NOTIFICATION = 0x41; // 'A'

/** The parts of a node-postgres client this module uses (a pg.Client or a pool's client). */
interface PgConnection {
  stream: NodeJS.EventEmitter & { listeners(e: "data"): ((b: Buffer) => void)[]; destroy(err?: Error): void };
  query(text: string): void;
}
export interface CopyOutClient {
  query(q: unknown): unknown;
}

/**
 * `COPY (…) TO STDOUT (FORMAT binary)` run on `client`, every tuple decoded
 * straight from the socket buffer into `onRow` (the array is reused).
 * `onData` (optional) sees each socket chunk before it is decoded (the bench's
 * bare-COPY ceiling drains with it and decodes nothing: `decode: false`).
 *
 * Like pg-copy-streams, it takes the connection's socket from node-postgres
 * while the backend is in copy-out mode and gives it back at CopyDone (or at
 * an ErrorResponse, which node-postgres then raises as usual). If `onRow`
 * throws, the connection is destroyed (a COPY cannot be stopped half-way
 * without draining it) and marked so that a knex pool discards it; the
 * promise rejects with what `onRow` threw.
 */
export function copyOutBinary(
  client: CopyOutClient,
  sql: string,
  types: readonly PgBinaryType[],
  onRow: (values: DuckDBValue[]) => void,
  opts: { codes?: string[]; decode?: boolean; onData?: (chunk: Buffer) => void } = {},
): Promise<number> {
  const decode = opts.decode ?? true;
  const dec = new TupleDecoder(types, opts.codes ?? []);
  return new Promise<number>((resolve, reject) => {
    let connection: PgConnection | null = null;
    let pgHandler: ((b: Buffer) => void) | null = null;
    let leftover: Buffer | null = null;
    let headerDone = !decode;
    let trailer = false;
    let copyDone = false;
    let rows = 0;
    let settled = false;
    let failure: unknown = null;

    const finish = (err: unknown) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve(rows);
    };

    const detach = (rest: Buffer) => {
      const stream = connection!.stream;
      stream.removeListener("data", onData);
      stream.on("data", pgHandler!);
      if (rest.length > 0) pgHandler!(rest);
    };

    const fail = (err: unknown) => {
      failure = err;
      const stream = connection!.stream;
      stream.removeListener("data", onData);
      stream.on("data", pgHandler!);
      // A half-read COPY leaves the connection unusable: close it, and tell a knex pool not to
      // reuse it (knex logs the reason when it drops it; its own 'end' listener would say
      // "Connection ended unexpectedly", so ours, registered after it, says why).
      const reason = `COPY bỏ dở / COPY abandoned: ${err instanceof Error ? err.message : String(err)}`;
      const c = client as { __knex__disposed?: unknown; once?: (e: string, f: () => void) => void };
      c.__knex__disposed = reason;
      c.once?.("end", () => (c.__knex__disposed = reason));
      stream.destroy();
      finish(err);
    };

    /** One CopyData payload [start, end) of `buf`: the header (first message), one tuple, or the trailer. */
    const payload = (buf: Buffer, dv: DataView, start: number, end: number) => {
      let p = start;
      if (!headerDone) {
        const h = TupleDecoder.header(buf, p, end);
        if (h === INCOMPLETE) throw new CopyFormatError("binary COPY header split across messages");
        p += h;
        headerDone = true;
      }
      while (p < end) {
        const next = dec.tuple(buf, dv, p, end);
        if (next === TRAILER) {
          trailer = true;
          return;
        }
        if (next === INCOMPLETE) throw new CopyFormatError("a tuple split across CopyData messages");
        p = next;
        rows++;
        onRow(dec.values);
      }
    };

    function onData(chunk: Buffer) {
      if (settled) return;
      try {
        opts.onData?.(chunk);
        const buf: Buffer = leftover ? Buffer.concat([leftover, chunk]) : chunk;
        leftover = null;
        const len = buf.length;
        const dv = new DataView(buf.buffer, buf.byteOffset, len);
        let pos = 0;
        while (pos + 5 <= len) {
          const type = buf[pos]!;
          const end = pos + 1 + dv.getInt32(pos + 1);
          if (type === MSG_COPY_DATA || type === MSG_COPY_OUT_RESPONSE || type === MSG_NOTICE || type === MSG_PARAMETER_STATUS || type === MSG_NOTIFICATION) {
            if (end > len) break; // cut by the chunk boundary: wait for the rest
            if (type === MSG_COPY_DATA) {
              if (decode) payload(buf, dv, pos + 5, end);
              else rows++;
            }
            pos = end;
            continue;
          }
          if (type === MSG_COPY_DONE) {
            if (end > len) break;
            copyDone = true;
            if (decode && !trailer) throw new CopyFormatError("binary COPY stream ended without its trailer");
            if (!decode) rows = Math.max(0, rows - 1); // the trailer's message
            detach(buf.subarray(end)); // CommandComplete and ReadyForQuery go to node-postgres
            return;
          }
          // ErrorResponse or anything unexpected: node-postgres parses it from here
          detach(buf.subarray(pos));
          return;
        }
        if (pos < len) leftover = Buffer.from(buf.subarray(pos));
      } catch (e) {
        fail(e);
      }
    }

    const query = {
      text: sql,
      submit(conn: PgConnection) {
        connection = conn;
        const listeners = conn.stream.listeners("data");
        if (listeners.length !== 1) {
          finish(new Error("copyOutBinary: unexpected socket listeners"));
          return;
        }
        pgHandler = listeners[0]!;
        conn.stream.removeListener("data", pgHandler);
        conn.stream.on("data", onData);
        conn.query(sql);
      },
      handleError(err: unknown) {
        finish(failure ?? err);
      },
      handleCommandComplete() {},
      handleReadyForQuery() {
        if (failure) finish(failure);
        else if (!copyDone) finish(new CopyFormatError("COPY ended without CopyDone"));
        else finish(null);
      },
    };
    try {
      client.query(query);
    } catch (e) {
      finish(e);
    }
  });
}
