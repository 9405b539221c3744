import { EventEmitter } from "node:events";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../setup/db.ts";
import { copyOutBinary, CopyFormatError } from "../../etl/pg-binary-copy.ts";
import { plainValue } from "../../warehouse/plain-values.ts";

let t: TestDb;
/** What the socket carried for SQL, from CopyOutResponse to ReadyForQuery (captured once, replayed below). */
let raw: Buffer;
const SQL = `copy (select * from (values
   (1, 'Tày'::text, 1.5::float8, timestamptz '2024-05-01 10:00:00+07', true),
   (null, '00', null, null, false),
   (-7, 'ab€', -2.25, timestamptz '2000-01-01 00:00:00+00', null),
   (2147483647, '', 0, timestamptz '1999-12-31 23:59:59.5+00', true)) v) to stdout (format binary)`;
const TYPES = ["int4", "text", "float8", "timestamptz", "bool"] as const;
const expected = [
  [1, "Tày", 1.5, "2024-05-01T03:00:00.000Z", true],
  [null, "00", null, null, false],
  [-7, "ab€", -2.25, "2000-01-01T00:00:00.000Z", null],
  [2147483647, "", 0, "1999-12-31T23:59:59.500Z", true],
];

beforeAll(async () => {
  t = await createTestDb();
  const c = new pg.Client({ connectionString: t.url });
  await c.connect();
  const chunks: Buffer[] = [];
  await copyOutBinary(c, SQL, TYPES, () => undefined, { onData: (ch) => chunks.push(Buffer.from(ch)) });
  raw = Buffer.concat(chunks);
  await c.end();
});
afterAll(async () => t?.drop());

/**
 * `raw` fed to copyOutBinary through a stand-in for node-postgres' connection, `size` bytes
 * at a time. What copyOutBinary hands back (everything after CopyDone) must begin with
 * CommandComplete, which node-postgres would then parse before ReadyForQuery.
 */
async function replay(bytes: Buffer, size: number): Promise<unknown[][]> {
  const stream = new EventEmitter() as EventEmitter & { destroy(): void };
  stream.destroy = () => undefined;
  let handedBack = Buffer.alloc(0);
  stream.on("data", (b: Buffer) => (handedBack = Buffer.concat([handedBack, b])));
  let query: { submit(c: unknown): void; handleCommandComplete(): void; handleReadyForQuery(): void; handleError(e: unknown): void } | undefined;
  const client = {
    query(q: unknown) {
      query = q as typeof query;
      query!.submit({ stream, query: () => undefined });
    },
  };
  const rows: unknown[][] = [];
  const done = copyOutBinary(client, SQL, TYPES, (v) => rows.push(v.map(plainValue)));
  for (let i = 0; i < bytes.length; i += size) stream.emit("data", bytes.subarray(i, i + size));
  if (handedBack[0] === 0x43) {
    query!.handleCommandComplete();
    query!.handleReadyForQuery();
  } else query!.handleError(new Error("nothing handed back to node-postgres"));
  await done;
  return rows;
}

const msg = (type: string, payload: Buffer) => {
  const head = Buffer.alloc(5);
  head.write(type, 0, "latin1");
  head.writeInt32BE(4 + payload.length, 1);
  return Buffer.concat([head, payload]);
};

describe("binary COPY decoding, replayed from captured socket bytes", () => {
  it("decodes every type, with messages cut at any byte boundary", async () => {
    for (const size of [raw.length, 1, 2, 3, 5, 7, 13]) expect(await replay(raw, size)).toEqual(expected);
  });
  it("refuses a stream without its trailer, or a foreign format", async () => {
    const copyDone = raw.indexOf(Buffer.from([0x63, 0, 0, 0, 4]));
    const trailer = Buffer.from([0x64, 0, 0, 0, 6, 0xff, 0xff]);
    expect(raw.subarray(copyDone - 7, copyDone)).toEqual(trailer);
    const noTrailer = Buffer.concat([raw.subarray(0, copyDone - 7), raw.subarray(copyDone)]);
    await expect(replay(noTrailer, 64)).rejects.toThrow(/without its trailer/);
    const text = Buffer.concat([msg("H", Buffer.from([0, 0, 0])), msg("d", Buffer.from("1\tTày\n".repeat(10))), msg("c", Buffer.alloc(0)), msg("C", Buffer.from("COPY 10\0"))]);
    await expect(replay(text, 64)).rejects.toThrow(CopyFormatError);
  });
});

describe("COPY read straight from the socket (copyOutBinary, the ETL's path)", () => {
  const withClient = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: t.url });
    c.on("error", () => undefined); // a destroyed connection reports here
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end().catch(() => undefined);
    }
  };

  it("decodes every type, as the stream parser does; the connection is usable afterwards", async () => {
    await withClient(async (c) => {
      const rows: unknown[][] = [];
      const n = await copyOutBinary(c, SQL, TYPES, (v) => rows.push(v.map(plainValue)));
      expect(n).toBe(4);
      expect(rows).toEqual(expected);
      expect((await c.query("select 41 + 1 as x")).rows).toEqual([{ x: 42 }]);
    });
  });

  it("decodes a large COPY cut across many socket chunks, and counts it without decoding", async () => {
    const big = "copy (select i, md5(i::text), (i * 0.5)::float8 from generate_series(1, 200000) i) to stdout (format binary)";
    await withClient(async (c) => {
      let n = 0;
      let sum = 0;
      let chars = 0;
      let chunks = 0;
      const rows = await copyOutBinary(c, big, ["int4", "text", "float8"], (v) => {
        n++;
        sum += (v[0] as number) + (v[2] as number);
        chars += (v[1] as string).length;
      }, { onData: () => chunks++ });
      expect(rows).toBe(200_000);
      expect(n).toBe(200_000);
      expect(sum).toBe(1.5 * ((200_000 * 200_001) / 2));
      expect(chars).toBe(200_000 * 32);
      expect(chunks).toBeGreaterThan(10);
      expect(await copyOutBinary(c, big, [], () => undefined, { decode: false })).toBe(200_000);
      const empty = "copy (select 1 where false) to stdout (format binary)";
      expect(await copyOutBinary(c, empty, ["int4"], () => undefined)).toBe(0);
      expect(await copyOutBinary(c, empty, [], () => undefined, { decode: false })).toBe(0);
    });
  });

  it("a Postgres error mid-COPY rejects with that error, and the connection stays usable", async () => {
    await withClient(async (c) => {
      const rows: number[] = [];
      const err = await copyOutBinary(c, "copy (select 10 / (3 - i) from generate_series(1, 5) i) to stdout (format binary)", ["int4"], (v) =>
        rows.push(v[0] as number),
      ).catch((e) => e);
      expect(err).toBeInstanceOf(Error);
      expect(String(err.message)).toMatch(/division by zero/);
      expect((await c.query("select 1 as ok")).rows).toEqual([{ ok: 1 }]);
    });
  });

  it("an error thrown by the row callback rejects with it and closes the connection (a half-read COPY is unusable)", async () => {
    await withClient(async (c) => {
      const boom = new Error("stop here");
      const err = await copyOutBinary(c, "copy (select i from generate_series(1, 100000) i) to stdout (format binary)", ["int4"], (v) => {
        if ((v[0] as number) === 500) throw boom;
      }).catch((e) => e);
      expect(err).toBe(boom);
      await new Promise((r) => setTimeout(r, 50));
      expect((c as unknown as { __knex__disposed?: unknown }).__knex__disposed).toMatch(/COPY abandoned: stop here/);
      await expect(c.query("select 1")).rejects.toThrow();
    });
  });
});
