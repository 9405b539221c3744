import { Readable } from "node:stream";
import pg from "pg";
import pgCopy from "pg-copy-streams";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../setup/db.ts";
import { parseBinaryCopy, CopyFormatError } from "../../etl/pg-binary-copy.ts";
import { plainValue } from "../../warehouse/plain-values.ts";

let t: TestDb;
let bytes: Buffer;
const SQL = `copy (select * from (values
   (1, 'Tày'::text, 1.5::float8, timestamptz '2024-05-01 10:00:00+07', true),
   (null, '00', null, null, false),
   (-7, 'ab€', -2.25, timestamptz '2000-01-01 00:00:00+00', null),
   (2147483647, '', 0, timestamptz '1999-12-31 23:59:59.5+00', true)) v) to stdout (format binary)`;

beforeAll(async () => {
  t = await createTestDb();
  const c = new pg.Client({ connectionString: t.url });
  await c.connect();
  const chunks: Buffer[] = [];
  for await (const ch of c.query(pgCopy.to(SQL)) as AsyncIterable<Buffer>) chunks.push(ch);
  bytes = Buffer.concat(chunks);
  await c.end();
});
afterAll(async () => t?.drop());

const parse = async (pieces: Buffer[]) => {
  const rows: unknown[][] = [];
  await parseBinaryCopy(Readable.from(pieces), ["int4", "text", "float8", "timestamptz", "bool"], (v) => rows.push(v.map(plainValue)));
  return rows;
};

describe("binary COPY parser", () => {
  const expected = [
    [1, "Tày", 1.5, "2024-05-01T03:00:00.000Z", true],
    [null, "00", null, null, false],
    [-7, "ab€", -2.25, "2000-01-01T00:00:00.000Z", null],
    [2147483647, "", 0, "1999-12-31T23:59:59.500Z", true],
  ];
  it("decodes every type", async () => {
    expect(await parse([bytes])).toEqual(expected);
  });
  it("handles tuples cut at any byte boundary", async () => {
    for (const size of [1, 2, 3, 5, 7, 13]) {
      const pieces: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
      expect(await parse(pieces)).toEqual(expected);
    }
  });
  it("refuses a truncated stream or a foreign format", async () => {
    await expect(parse([bytes.subarray(0, bytes.length - 3)])).rejects.toThrow(CopyFormatError);
    await expect(parse([Buffer.from("1\tTày\n".repeat(10))])).rejects.toThrow(CopyFormatError);
  });
});
