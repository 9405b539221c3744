import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ExcelJS from "exceljs";
import { deflateRawSync } from "node:zlib";
import { createTestDb, type TestDb } from "../setup/db.ts";
import { actorFor, cast, openPeriod } from "./workflow-helpers.ts";
import { openSubmission, loadSubmission, saveEntry } from "../../app/workflow/submissions.server.ts";
import { downloadCsv, downloadXlsx, uploadBulk } from "../../app/forms/bulk.server.ts";

let t: TestDb;
let c: Awaited<ReturnType<typeof cast>>;
beforeAll(async () => {
  t = await createTestDb();
  c = await cast(t.db);
});
afterAll(async () => t?.drop());

/** Find the row of (indicator, ethnicity) in a sheet and set its columns. */
function fill(ws: ExcelJS.Worksheet, indicator: string, eth: string, cols: Partial<Record<"T" | "M" | "F", unknown>>) {
  const col = { T: 6, M: 7, F: 8 };
  let hit = 0;
  ws.eachRow((row) => {
    if (row.getCell(1).value === indicator && row.getCell(4).value === eth) {
      for (const [k, v] of Object.entries(cols)) row.getCell(col[k as "T"]).value = v as ExcelJS.CellValue;
      hit = row.number;
    }
  });
  if (!hit) throw new Error(`row ${indicator}/${eth} not found`);
  return hit;
}

describe("XLSX and CSV bulk entry", () => {
  it("round trip: download pre-filled, fill, upload, values stored; one bad cell changes nothing and is named", async () => {
    const admin = await actorFor(t.db, c.province.username);
    const clerk = await actorFor(t.db, c.commune.username);
    const period = await openPeriod(t.db, admin.catalogueActor, { type: "year", year: 2034 }, ["BM01-DANSO"]);
    const sub = await openSubmission(t.db, clerk, period.id, "BM01-DANSO");
    await saveEntry(t.db, clerk, sub.id, { version: 1, raw: { "HH:00:T": "123" }, mode: "draft" });

    const dl = await downloadXlsx(t.db, clerk.scope, sub.id);
    expect(dl.filename).toMatch(/^BM01-DANSO_2034_/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(dl.body as unknown as ArrayBuffer);
    const [pop, hh] = wb.worksheets.filter((w) => w.name !== "_meta");
    expect(pop.name).toBe("1. Dân số");
    // pre-filled with the current value
    let pre: unknown = null;
    hh.eachRow((r) => { if (r.getCell(1).value === "HH" && r.getCell(4).value === "00") pre = r.getCell(6).value; });
    expect(pre).toBe(123);

    fill(pop, "POP", "00", { M: 1200, F: 1300 });
    fill(pop, "POP", "02", { M: 700, F: "800" });
    fill(pop, "POP", "07", { M: { formula: "250*2", result: 500 }, F: 500 });
    fill(hh, "HH", "00", { T: 600 });
    fill(hh, "HH", "02", { T: "350" });
    fill(hh, "HH", "07", { T: 250 });
    const good = Buffer.from(await wb.xlsx.writeBuffer());

    // one bad cell: the whole file is refused, the cell named, nothing stored
    const badRow = fill(hh, "HH", "07", { T: "hai trăm" });
    const bad = Buffer.from(await wb.xlsx.writeBuffer());
    const refused = await uploadBulk(t.db, clerk, sub.id, { kind: "xlsx", data: bad, expectedVersion: 2 });
    expect(refused).toEqual({ ok: false, errors: [expect.objectContaining({ sheet: "2. Số hộ", cell: `F${badRow}`, vi: expect.stringContaining("Không phải là số") })] });
    const unchanged = await loadSubmission(t.db, clerk.scope, sub.id);
    expect(unchanged.submission.version).toBe(2);
    expect(unchanged.values.get("POP:02:M")).toBeUndefined();

    const applied = await uploadBulk(t.db, clerk, sub.id, { kind: "xlsx", data: good, expectedVersion: 2 });
    expect(applied).toMatchObject({ ok: true, version: 3 });
    const after = await loadSubmission(t.db, clerk.scope, sub.id);
    expect(Object.fromEntries([...after.values].filter(([, v]) => v !== null))).toEqual({
      "POP:00:M": 1200, "POP:00:F": 1300, "POP:00:T": 2500, "POP:02:M": 700, "POP:02:F": 800, "POP:02:T": 1500,
      "POP:07:M": 500, "POP:07:F": 500, "POP:07:T": 1000, "HH:00:T": 600, "HH:02:T": 350, "HH:07:T": 250,
    });
    // and it passes the submit rules
    expect(await saveEntry(t.db, clerk, sub.id, { version: 3, raw: {}, mode: "submit" })).toMatchObject({ ok: true, status: "submitted" });
    // the old file again: refused (submitted), nothing changes
    expect((await uploadBulk(t.db, clerk, sub.id, { kind: "xlsx", data: good, expectedVersion: 4 })).ok).toBe(false);
  });

  it("refuses a file of another submission, garbage bytes, and a stale file", async () => {
    const admin = await actorFor(t.db, c.province.username);
    const clerk = await actorFor(t.db, c.neighbour.username);
    const period = await openPeriod(t.db, admin.catalogueActor, { type: "year", year: 2035 }, ["BM01-DANSO", "BM03-HATANG"]);
    const a = await openSubmission(t.db, clerk, period.id, "BM01-DANSO");
    const b = await openSubmission(t.db, clerk, period.id, "BM03-HATANG");
    const fileA = (await downloadXlsx(t.db, clerk.scope, a.id)).body;
    expect((await uploadBulk(t.db, clerk, b.id, { kind: "xlsx", data: fileA, expectedVersion: 1 })).ok).toBe(false);
    const garbage = await uploadBulk(t.db, clerk, a.id, { kind: "xlsx", data: Buffer.from("not a zip"), expectedVersion: 1 });
    expect(garbage).toMatchObject({ ok: false, errors: [{ vi: expect.stringContaining("không phải tệp Excel") }] });
    await saveEntry(t.db, clerk, a.id, { version: 1, raw: { "HH:00:T": "5" }, mode: "draft" });
    const stale = await uploadBulk(t.db, clerk, a.id, { kind: "xlsx", data: fileA, expectedVersion: 2 });
    expect(stale).toMatchObject({ ok: false, conflict: true });
  });

  it("CSV export and import of the same data, errors by line", async () => {
    const admin = await actorFor(t.db, c.province.username);
    const clerk = await actorFor(t.db, c.farCommune.username);
    const period = await openPeriod(t.db, admin.catalogueActor, { type: "year", year: 2036 }, ["BM03-HATANG"]);
    const sub = await openSubmission(t.db, clerk, period.id, "BM03-HATANG");
    const csv = (await downloadCsv(t.db, clerk.scope, sub.id)).body;
    expect(csv.startsWith("\ufeffma_chi_tieu,chi_tieu,ma_dan_toc,dan_toc,gioi_tinh,gia_tri")).toBe(true);
    const filled = csv.replace(/^(VILLAGES,[^\n]*,T,)\r$/m, '$1"1.234"\r').replace(/^(HH_CLEAN_WATER,[^\n]*,02,[^\n]*,T,)\r$/m, "$1 45\r");
    const r = await uploadBulk(t.db, clerk, sub.id, { kind: "csv", data: Buffer.from(filled), expectedVersion: 1 });
    expect(r).toMatchObject({ ok: true });
    const v = (await loadSubmission(t.db, clerk.scope, sub.id)).values;
    expect(v.get("VILLAGES:00:T")).toBe(1234);
    expect(v.get("HH_CLEAN_WATER:02:T")).toBe(45);
    const bad = "ma_chi_tieu;ma_dan_toc;gioi_tinh;gia_tri\nVILLAGES;00;T;-1\nVILLAGES_GRID;00;T;3\nNOPE;00;T;1\n";
    const rb = await uploadBulk(t.db, clerk, sub.id, { kind: "csv", data: Buffer.from(bad), expectedVersion: 2 });
    expect(rb).toEqual({ ok: false, errors: [expect.objectContaining({ sheet: "CSV", cell: "dòng 4" })] });
    const rb2 = await uploadBulk(t.db, clerk, sub.id, { kind: "csv", data: Buffer.from(bad.replace("NOPE;00;T;1\n", "")), expectedVersion: 2 });
    expect(rb2).toEqual({ ok: false, errors: [expect.objectContaining({ sheet: "CSV", cell: "dòng 2", vi: "Không được nhập số âm" })] });
    expect((await loadSubmission(t.db, clerk.scope, sub.id)).values.get("VILLAGES_GRID:00:T")).toBeUndefined();
  });
});

describe("XLSX safety", () => {
  it("reads the unpacked size from the zip directory and refuses a zip bomb before parsing", async () => {
    const { zipUncompressedSize, readWorkbook } = await import("../../app/forms/xlsx.server.ts");
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("x");
    ws.getCell("A1").value = "a".repeat(1000);
    const small = Buffer.from(await wb.xlsx.writeBuffer());
    const size = zipUncompressedSize(small)!;
    expect(size).toBeGreaterThan(1000);
    expect(zipUncompressedSize(Buffer.from("hello"))).toBeNull();
    // a zip whose one entry unpacks to 80 MB of zeros (about 80 KB on the wire)
    const bombBytes = zipOf("xl/worksheets/sheet1.xml", Buffer.alloc(80 * 1024 * 1024));
    expect(bombBytes.length).toBeLessThan(5 * 1024 * 1024);
    expect(zipUncompressedSize(bombBytes)).toBe(80 * 1024 * 1024);
    const r = await readWorkbook(bombBytes, { definition: {} as never, indicators: new Map(), ethnicities: [], submissionId: 1, formCode: "X", templateId: 1 });
    expect(r).toMatchObject({ ok: false, errors: [{ vi: expect.stringContaining("giải nén") }] });
  }, 120_000);
});

/** A one-entry zip (deflate), enough for the central-directory check. */
function zipOf(name: string, data: Buffer): Buffer {
  const comp = deflateRawSync(data);
  const n = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(8, 8);
  local.writeUInt32LE(comp.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(n.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(8, 10);
  central.writeUInt32LE(comp.length, 20); central.writeUInt32LE(data.length, 24); central.writeUInt16LE(n.length, 28);
  const cdOffset = local.length + n.length + comp.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0); eocd.writeUInt16LE(1, 8); eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(central.length + n.length, 12); eocd.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, n, comp, central, n, eocd]);
}
