import type { DuckDBConnection, DuckDBEnumType, DuckDBTimestampTZValue, DuckDBValue } from "@duckdb/node-api";
import type { Db } from "../app/db/knex.server.ts";
import { COPY_ALL_FACTS } from "./extract-sql.ts";
import { copyOutBinary, type CopyOutClient, type PgBinaryType } from "./pg-binary-copy.ts";
import { CHUNK_ROWS, FactChunkWriter } from "./table-appender.ts";
import { refuseCodes, type BatchHook } from "./load-facts.ts";

/**
 * The facts of a full rebuild, read once from Postgres and written sorted.
 *
 * `readFactRanges` takes every approved fact through one binary COPY and keeps
 * it in memory as column blocks of the indicator id range it belongs to
 * (18 bytes a row: no DuckDB work while Postgres streams). Ethnicity and sex
 * arrive as the fact table's enum indexes, the submission as a dense index
 * into `FactSubmissions` (its period, unit and approval time, checked equal
 * on every row of it).
 *
 * `writeFactRange` then writes one range into fact_indicator_value already in
 * the table's order — indicator, period, unit — by two counting-sort passes
 * (submission rank, then indicator), deriving T = M + F per by-sex cell on the
 * way, straight into DuckDB data chunks. DuckDB neither stages, joins nor
 * sorts a fact; every range is a sort the size of one range.
 */

/** Rows per column block (a range grows by whole blocks). */
const BLOCK = 1 << 16;

interface Block {
  slot: Int32Array;
  sub: Int32Array;
  eth: Uint8Array;
  sex: Uint8Array;
  value: Float64Array;
  n: number;
}

const newBlock = (): Block => ({
  slot: new Int32Array(BLOCK),
  sub: new Int32Array(BLOCK),
  eth: new Uint8Array(BLOCK),
  sex: new Uint8Array(BLOCK),
  value: new Float64Array(BLOCK),
  n: 0,
});

/** A block that is never written: a range's first row replaces it by a real one. */
const FULL: Block = { slot: new Int32Array(0), sub: new Int32Array(0), eth: new Uint8Array(0), sex: new Uint8Array(0), value: new Float64Array(0), n: BLOCK };

/** The facts of one indicator id range [lo, hi], held until written. */
export class FactRange {
  blocks: Block[] = [];
  rows = 0;
  /** A row with a sex other than T was read: T = M + F is derived. */
  bySex = false;
  constructor(
    readonly lo: number,
    readonly hi: number,
  ) {}

  /** The next block to write to. */
  grow(): Block {
    const b = newBlock();
    this.blocks.push(b);
    return b;
  }
}

/** The submissions met in the COPY, by dense index (the order they were first met). */
export class FactSubmissions {
  readonly id: number[] = [];
  readonly period: number[] = [];
  readonly unit: number[] = [];
  /** approved_at as DuckDB values (null allowed), and as the two 32-bit halves of its microseconds. */
  readonly at: DuckDBValue[] = [];
  atLo: Int32Array = new Int32Array(1024);
  atHi: Int32Array = new Int32Array(1024);
  atNull: Uint8Array = new Uint8Array(1024);
  /** Rank of each submission in (period, unit, id) order: the fact table's order within an indicator. */
  rank: Int32Array = new Int32Array(0);

  get size(): number {
    return this.id.length;
  }

  add(id: number, period: number, unit: number, at: DuckDBValue): number {
    const i = this.id.push(id) - 1;
    this.period.push(period);
    this.unit.push(unit);
    this.at.push(at);
    if (i >= this.atLo.length) {
      const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.atLo = grow(this.atLo, (n) => new Int32Array(n));
      this.atHi = grow(this.atHi, (n) => new Int32Array(n));
      this.atNull = grow(this.atNull, (n) => new Uint8Array(n));
    }
    if (at === null) this.atNull[i] = 1;
    else {
      const micros = BigInt.asIntN(64, (at as DuckDBTimestampTZValue).micros);
      this.atLo[i] = Number(BigInt.asIntN(32, micros));
      this.atHi[i] = Number(micros >> 32n);
    }
    return i;
  }

  /** Computes `rank` (after the last `add`). */
  finish(): void {
    const order = Array.from({ length: this.size }, (_, i) => i);
    order.sort((a, b) => this.period[a]! - this.period[b]! || this.unit[a]! - this.unit[b]! || this.id[a]! - this.id[b]!);
    this.rank = new Int32Array(this.size);
    order.forEach((s, r) => (this.rank[s] = r));
  }
}

/** What `readFactRanges` read. */
export interface FactRanges {
  ranges: FactRange[];
  subs: FactSubmissions;
  /** Indicator id of each slot (a slot per distinct id met). */
  slotId: number[];
  /** Range of each slot. */
  slotRange: number[];
  rows: number;
}

const COPY_PG_TYPES: PgBinaryType[] = ["int4", "int4", "int4", "textcode", "textcode", "float8", "int4", "timestamptz"];

function sameTimestamp(a: DuckDBValue, b: DuckDBValue): boolean {
  if (a === null || b === null) return a === b;
  return (a as DuckDBTimestampTZValue).micros === (b as DuckDBTimestampTZValue).micros;
}

/** The fact table's enum types for ethnicity and sex (from its appender: the table's own columns). */
async function factEnums(conn: DuckDBConnection, table: string): Promise<{ eth: DuckDBEnumType; sex: DuckDBEnumType }> {
  const w = await FactChunkWriter.open(conn, table);
  try {
    return { eth: w.ethType, sex: w.sexType };
  } finally {
    w.close();
  }
}

/**
 * Every approved fact through one binary COPY into in-memory range blocks
 * (`ranges` contiguous, in order, covering every integer), with ethnicity and
 * sex as indexes of the enums of fact_indicator_value (or `opts.table`). Codes the fact
 * table's enums cannot hold fail the run as referential integrity once the
 * COPY is read, before anything is written.
 */
export async function readFactRanges(
  db: Db,
  conn: DuckDBConnection,
  bounds: [number, number][],
  batchRows: number,
  onBatch: BatchHook,
  opts: { table?: string } = {},
): Promise<FactRanges> {
  const enums = await factEnums(conn, opts.table ?? "fact_indicator_value");
  const ranges = bounds.map(([lo, hi]) => new FactRange(lo, hi));
  const cur: Block[] = ranges.map(() => FULL);
  const subs = new FactSubmissions();
  const slotId: number[] = [];
  const slotRange: number[] = [];
  const his = ranges.map((r) => r.hi);
  const rangeOfId = (id: number): number => {
    let a = 0;
    let b = his.length - 1;
    while (a < b) {
      const m = (a + b) >> 1;
      if (id <= his[m]!) b = m;
      else a = m + 1;
    }
    return a;
  };
  // text code (the decoder's dense index of a string) → enum index, -1 if the enum cannot hold it
  const codes: string[] = [];
  const ethOf: number[] = [];
  const sexOf: number[] = [];
  const badEth = new Set<string>();
  const badSex = new Set<string>();
  const enumIndex = (t: DuckDBEnumType, s: string): number => t.values.indexOf(s);
  const sexT = enumIndex(enums.sex, "T");
  if (sexT < 0) throw new Error("sex_t has no 'T'");
  // per-row lookups by small non-negative ids go through arrays, others through Maps
  const SMALL = 1 << 22;
  const slotSmall: number[] = [];
  const slotOf = new Map<number, number>();
  const newSlot = (id: number): number => {
    slotId.push(id);
    return slotRange.push(rangeOfId(id)) - 1;
  };
  const subSmall: number[] = [];
  const subOf = new Map<number, number>();
  let lastSub = -1;
  let lastIdx = -1;
  let n = 0;
  const client = (await db.client.acquireConnection()) as CopyOutClient;
  try {
    const rows = await copyOutBinary(
      client,
      COPY_ALL_FACTS,
      COPY_PG_TYPES,
      (v) => {
        const id = v[0] as number;
        const sub = v[6] as number;
        const ethCode = v[3] as number;
        const sexCode = v[4] as number;
        const value = v[5] as number;
        if (id === null || sub === null || ethCode === null || sexCode === null || value === null)
          throw new Error(`phiếu ${sub}: ô thiếu khóa hoặc giá trị / a fact without a key or value`);
        let slot: number | undefined;
        if (id >= 0 && id < SMALL) {
          slot = slotSmall[id];
          if (slot === undefined) slot = slotSmall[id] = newSlot(id);
        } else {
          slot = slotOf.get(id);
          if (slot === undefined) slotOf.set(id, (slot = newSlot(id)));
        }
        if (sub !== lastSub || lastIdx < 0) {
          const small = sub >= 0 && sub < SMALL;
          let i = small ? subSmall[sub] : subOf.get(sub);
          if (i === undefined) {
            i = subs.add(sub, v[1] as number, v[2] as number, v[7]!);
            if (small) subSmall[sub] = i;
            else subOf.set(sub, i);
          }
          lastSub = sub;
          lastIdx = i;
        }
        if (subs.period[lastIdx] !== v[1] || subs.unit[lastIdx] !== v[2] || (subs.at[lastIdx] !== v[7] && !sameTimestamp(subs.at[lastIdx]!, v[7]!)))
          throw new Error(`phiếu ${sub}: kỳ/đơn vị/thời điểm duyệt không nhất quán / submission ${sub}: inconsistent period, unit or approval time`);
        let eth = ethOf[ethCode];
        if (eth === undefined) {
          eth = ethOf[ethCode] = enumIndex(enums.eth, codes[ethCode]!);
          if (eth < 0) badEth.add(codes[ethCode]!);
        }
        let sex = sexOf[sexCode];
        if (sex === undefined) {
          sex = sexOf[sexCode] = enumIndex(enums.sex, codes[sexCode]!);
          if (sex < 0) badSex.add(codes[sexCode]!);
        }
        const r = slotRange[slot]!;
        let b = cur[r]!;
        if (b.n === BLOCK) b = cur[r] = ranges[r]!.grow();
        const k = b.n++;
        b.slot[k] = slot;
        b.sub[k] = lastIdx;
        b.eth[k] = eth;
        b.sex[k] = sex;
        b.value[k] = value;
        if (sex !== sexT) ranges[r]!.bySex = true;
        if (++n % batchRows === 0) onBatch(n);
      },
      { codes },
    );
    if (rows !== n) throw new Error(`COPY: ${rows} dòng, nhận ${n} / rows read ${rows}, received ${n}`);
    refuseCodes("ethnicity", [...badEth]);
    refuseCodes("sex", [...badSex]);
    for (const r of ranges) r.rows = r.blocks.reduce((a, b) => a + b.n, 0);
    subs.finish();
    return { ranges, subs, slotId, slotRange, rows: n };
  } finally {
    await db.client.releaseConnection(client);
  }
}

/** Typed arrays reused from range to range (grown, never shrunk): a range's flat columns and sort arrays. */
class Scratch {
  private i32: Map<string, Int32Array> = new Map();
  private u8: Map<string, Uint8Array> = new Map();
  private f64: Float64Array = new Float64Array(0);
  int32(name: string, n: number): Int32Array {
    let a = this.i32.get(name);
    if (!a || a.length < n) this.i32.set(name, (a = new Int32Array(Math.ceil(n * 1.25))));
    return a;
  }
  uint8(name: string, n: number): Uint8Array {
    let a = this.u8.get(name);
    if (!a || a.length < n) this.u8.set(name, (a = new Uint8Array(Math.ceil(n * 1.25))));
    return a;
  }
  float64(n: number): Float64Array {
    if (this.f64.length < n) this.f64 = new Float64Array(Math.ceil(n * 1.25));
    return this.f64;
  }
}
const scratchOf = new WeakMap<FactRanges, Scratch>();

/** Copies one column of `blocks` into `out` (from 0). */
function flatten<T extends Int32Array | Uint8Array | Float64Array>(blocks: Block[], col: "slot" | "sub" | "eth" | "sex" | "value", out: T): T {
  let p = 0;
  for (const b of blocks) {
    out.set((b[col] as T).subarray(0, b.n), p);
    p += b.n;
  }
  return out;
}

/** Rows written between two turns of the event loop. */
const YIELD_ROWS = 1 << 15;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Above this many (indicator × submission) buckets the sort takes two counting passes instead of one. */
const ONE_PASS_BUCKETS = 1 << 22;

/**
 * Writes range `index` into fact_indicator_value (or `opts.table`, of the same
 * columns) in (indicator, period, unit) order, with T = M + F after the M and F
 * rows of each by-sex cell; frees the range's blocks. Returns the facts written.
 */
export async function writeFactRange(
  conn: DuckDBConnection,
  read: FactRanges,
  index: number,
  opts: { table?: string; onePassBuckets?: number } = {},
): Promise<number> {
  const range = read.ranges[index]!;
  const n = range.rows;
  const { subs } = read;
  let scratch = scratchOf.get(read);
  if (!scratch) scratchOf.set(read, (scratch = new Scratch()));
  const slot = flatten(range.blocks, "slot", scratch.int32("slot", n));
  const sub = flatten(range.blocks, "sub", scratch.int32("sub", n));
  const eth = flatten(range.blocks, "eth", scratch.uint8("eth", n));
  const sex = flatten(range.blocks, "sex", scratch.uint8("sex", n));
  const value = flatten(range.blocks, "value", scratch.float64(n));
  range.blocks = [];

  // this range's slots in indicator id order
  const slots: number[] = [];
  read.slotRange.forEach((r, sl) => {
    if (r === index) slots.push(sl);
  });
  slots.sort((a, b) => read.slotId[a]! - read.slotId[b]!);
  const ord = scratch.int32("ord", read.slotId.length);
  slots.forEach((sl, i) => (ord[sl] = i));

  // order: row indexes sorted by (indicator, submission rank), stable (rank: period, unit, id)
  const rank = subs.rank;
  const nSubs = subs.size;
  const order = scratch.int32("order", n);
  const buckets = slots.length * nSubs;
  if (buckets <= (opts.onePassBuckets ?? ONE_PASS_BUCKETS)) {
    const key = scratch.int32("key", n);
    const count = scratch.int32("count", buckets + 1).fill(0, 0, buckets + 1);
    for (let i = 0; i < n; i++) {
      const k = ord[slot[i]!]! * nSubs + rank[sub[i]!]!;
      key[i] = k;
      count[k + 1]!++;
    }
    for (let k = 0; k < buckets; k++) count[k + 1]! += count[k]!;
    for (let i = 0; i < n; i++) order[count[key[i]!]!++] = i;
  } else {
    const byRank = scratch.int32("key", n);
    const count = scratch.int32("count", nSubs + 1).fill(0, 0, nSubs + 1);
    for (let i = 0; i < n; i++) count[rank[sub[i]!]! + 1]!++;
    for (let k = 0; k < nSubs; k++) count[k + 1]! += count[k]!;
    for (let i = 0; i < n; i++) byRank[count[rank[sub[i]!]!]!++] = i;
    const count2 = scratch.int32("count2", slots.length + 1).fill(0, 0, slots.length + 1);
    for (let i = 0; i < n; i++) count2[ord[slot[i]!]! + 1]!++;
    for (let k = 0; k < slots.length; k++) count2[k + 1]! += count2[k]!;
    for (let j = 0; j < n; j++) {
      const i = byRank[j]!;
      order[count2[ord[slot[i]!]!]!++] = i;
    }
  }

  const w = await FactChunkWriter.open(conn, opts.table);
  const sexT = w.sexType.values.indexOf("T");
  // T = M + F of the current cell (indicator × submission), per ethnicity enum index
  const tSum = new Float64Array(256);
  const tSeen = new Uint8Array(256);
  const tOrder: number[] = [];
  let derived = 0;
  let done = false;
  try {
    const { slotId } = read;
    const { period, unit, id: subId, atLo, atHi, atNull } = subs;
    const { indicator: cInd, period: cPer, unit: cUnit, eth: cEth, sex: cSex, value: cVal, submission: cSub, at: cAt } = w.cols;
    const full = CHUNK_ROWS;
    let k = 0; // rows in the chunk
    const put = (sl: number, s: number, e: number, x: number, v: number) => {
      cInd[k] = slotId[sl]!;
      cPer[k] = period[s]!;
      cUnit[k] = unit[s]!;
      cEth[k] = e;
      cSex[k] = x;
      cVal[k] = v;
      cSub[k] = subId[s]!;
      if (atNull[s]) w.nullAt(k);
      cAt[2 * k] = atLo[s]!;
      cAt[2 * k + 1] = atHi[s]!;
      if (++k === full) k = w.appendFull();
    };
    const flushDerived = (sl: number, s: number) => {
      for (const e of tOrder) {
        put(sl, s, e, sexT, tSum[e]!);
        tSeen[e] = 0;
        tSum[e] = 0;
      }
      derived += tOrder.length;
      tOrder.length = 0;
    };
    let cellSlot = -1;
    let cellSub = -1;
    for (let j = 0; j < n; ) {
      // every YIELD_ROWS rows the event loop runs: SQL running on another connection meanwhile
      // (the previous range's marts and checks) gets its next statement without waiting for this range
      if (j > 0) await yieldToLoop();
      const end = Math.min(n, j + YIELD_ROWS);
      for (; j < end; j++) {
        const i = order[j]!;
        const sl = slot[i]!;
        const s = sub[i]!;
        if (sl !== cellSlot || s !== cellSub) {
          if (tOrder.length > 0) flushDerived(cellSlot, cellSub);
          cellSlot = sl;
          cellSub = s;
        }
        const x = sex[i]!;
        const e = eth[i]!;
        const v = value[i]!;
        if (x !== sexT) {
          if (tSeen[e] === 0) {
            tSeen[e] = 1;
            tOrder.push(e);
          }
          tSum[e] = tSum[e]! + v;
        }
        put(sl, s, e, x, v);
      }
    }
    if (tOrder.length > 0) flushDerived(cellSlot, cellSub);
    w.n = k;
    done = true;
  } finally {
    if (!done) w.abandon(); // the run's transaction is rolled back
  }
  const written = w.close();
  if (written !== n + derived) throw new Error(`khoảng ${index}: ${n} dòng đọc, ${derived} dòng T, ghi ${written} / range ${index}: read ${n}, derived ${derived}, wrote ${written}`);
  return written;
}
