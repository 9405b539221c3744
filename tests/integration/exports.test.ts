import { describe, expect, it } from "vitest";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { DuckDBInstance } from "@duckdb/node-api";
import { tableFromIPC } from "apache-arrow";
import type { DataTable } from "../../dashboards/table.ts";
import { tableToCsv } from "../../dashboards/export/csv.ts";
import { tablesToXlsx, xlsxHeaderRow } from "../../dashboards/export/xlsx.server.ts";
import { tableToParquet } from "../../dashboards/export/parquet.server.ts";
import { tableToArrowIpc } from "../../dashboards/export/arrow.ts";
import { contentDisposition } from "../../dashboards/export/formats.ts";
import { parseCsv } from "../../app/lib/csv.ts";

const table: DataTable = {
  title: "Tỷ lệ hộ nghèo theo huyện",
  columns: [
    { key: "name", label: "Huyện/Thành phố", type: "string" },
    { key: "hh", label: "Số hộ nghèo", type: "integer", unit: "Hộ" },
    { key: "rate", label: "Tỷ lệ hộ nghèo", type: "number", unit: "%", digits: 2 },
    { key: "ref", label: "Ngày tham chiếu", type: "date" },
  ],
  rows: [
    { name: "Huyện Bảo Lâm", hh: 4321, rate: 31.456789, ref: "2024-12-31" },
    { name: "Thành phố Cao Bằng, \"trung tâm\"", hh: 120, rate: 1.5, ref: "2024-12-31" },
    { name: "Huyện Nguyên Bình", hh: null, rate: null, ref: null },
    { name: "=cmd()", hh: 0, rate: 0, ref: "2025-06-30" },
  ],
};

async function duck(sql: string) {
  const inst = await DuckDBInstance.create(":memory:");
  const c = await inst.connect();
  try {
    const r = await c.runAndReadAll(sql);
    return { rows: r.getRowObjectsJson(), types: r.columnTypes().map((t) => t.toString()), names: r.columnNames() };
  } finally {
    c.closeSync();
    inst.closeSync();
  }
}

describe("CSV export", () => {
  it("starts with a UTF-8 BOM and round-trips Vietnamese text", () => {
    const csv = tableToCsv(table);
    const bytes = Buffer.from(csv, "utf8");
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const parsed = parseCsv(bytes.toString("utf8"));
    expect(parsed[0]).toEqual(["Huyện/Thành phố", "Số hộ nghèo (Hộ)", "Tỷ lệ hộ nghèo (%)", "Ngày tham chiếu"]);
    expect(parsed[1]).toEqual(["Huyện Bảo Lâm", "4321", "31.456789", "2024-12-31"]);
    expect(parsed[2][0]).toBe('Thành phố Cao Bằng, "trung tâm"');
    expect(parsed[3]).toEqual(["Huyện Nguyên Bình", "", "", ""]);
    expect(parsed[4][0]).toBe("'=cmd()"); // formula injection neutralised
  });
});

describe("XLSX export", () => {
  it("reads back with exceljs: same numbers as numbers, Vietnamese headers, report header", async () => {
    const meta = { title: "Báo cáo kỳ", organisation: "Ban Dân tộc tỉnh Cao Bằng", unitName: "Tỉnh Cao Bằng", periodLabel: "Năm 2024", referenceDate: "31/12/2024", generatedAt: new Date("2025-01-15T03:00:00Z"), dataAsOf: "15/01/2025 09:00", isDemo: true };
    const buf = await tablesToXlsx([table], meta);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as never);
    const ws = wb.worksheets[0];
    const all: string[] = [];
    ws.eachRow((r) => all.push(r.values!.toString()));
    expect(all.join("\n")).toContain("Năm 2024");
    expect(all.join("\n")).toContain("Dữ liệu mẫu");
    const h = xlsxHeaderRow(meta);
    expect(ws.getRow(h).values).toEqual([undefined, "Huyện/Thành phố", "Số hộ nghèo (Hộ)", "Tỷ lệ hộ nghèo (%)", "Ngày tham chiếu"]);
    const r1 = ws.getRow(h + 1);
    expect(r1.getCell(1).value).toBe("Huyện Bảo Lâm");
    expect(r1.getCell(2).value).toBe(4321);
    expect(typeof r1.getCell(2).value).toBe("number");
    expect(r1.getCell(3).value).toBe(31.456789);
    expect(r1.getCell(3).numFmt).toBe("#,##0.00");
    expect(ws.getRow(h + 3).getCell(2).value).toBeNull();
    expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: h });
  });
});

describe("Parquet export", () => {
  it("reads back with DuckDB: same rows and typed columns", async () => {
    const buf = await tableToParquet(table);
    const file = path.join(os.tmpdir(), `t-${process.pid}-${Date.now()}.parquet`);
    await fs.writeFile(file, buf);
    try {
      const r = await duck(`select * from read_parquet('${file}')`);
      expect(r.names).toEqual(["Huyện/Thành phố", "Số hộ nghèo (Hộ)", "Tỷ lệ hộ nghèo (%)", "Ngày tham chiếu"]);
      expect(r.types).toEqual(["VARCHAR", "BIGINT", "DOUBLE", "DATE"]);
      expect(r.rows[0]).toEqual({ "Huyện/Thành phố": "Huyện Bảo Lâm", "Số hộ nghèo (Hộ)": "4321", "Tỷ lệ hộ nghèo (%)": 31.456789, "Ngày tham chiếu": "2024-12-31" });
      expect(r.rows[2]).toEqual({ "Huyện/Thành phố": "Huyện Nguyên Bình", "Số hộ nghèo (Hộ)": null, "Tỷ lệ hộ nghèo (%)": null, "Ngày tham chiếu": null });
      expect(r.rows).toHaveLength(4);
    } finally {
      await fs.rm(file, { force: true });
    }
  });
});

describe("Arrow IPC export", () => {
  it("reads back with apache-arrow: typed columns, same rows as the Parquet copy read by DuckDB", async () => {
    const ipc = tableToArrowIpc(table);
    const t = tableFromIPC(ipc);
    expect(t.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      "Huyện/Thành phố:Utf8",
      "Số hộ nghèo (Hộ):Int64",
      "Tỷ lệ hộ nghèo (%):Float64",
      "Ngày tham chiếu:Date32<DAY>",
    ]);
    expect(t.numRows).toBe(4);
    const rows = t.toArray().map((r) => r.toJSON());
    expect(rows[0]["Số hộ nghèo (Hộ)"]).toBe(4321n);
    expect(rows[2]["Tỷ lệ hộ nghèo (%)"]).toBeNull();
    // cross-check with DuckDB: the Parquet export of the same table has the same values
    const file = path.join(os.tmpdir(), `t2-${process.pid}-${Date.now()}.parquet`);
    await fs.writeFile(file, await tableToParquet(table));
    try {
      const d = await duck(`select * from read_parquet('${file}')`);
      rows.forEach((r, i) => {
        expect(r["Huyện/Thành phố"]).toBe(d.rows[i]["Huyện/Thành phố"]);
        expect(r["Tỷ lệ hộ nghèo (%)"]).toBe(d.rows[i]["Tỷ lệ hộ nghèo (%)"]);
        expect(r["Số hộ nghèo (Hộ)"] === null ? null : String(r["Số hộ nghèo (Hộ)"])).toBe(d.rows[i]["Số hộ nghèo (Hộ)"]);
        const day = r["Ngày tham chiếu"];
        expect(day === null ? null : new Date(day as number).toISOString().slice(0, 10)).toBe(d.rows[i]["Ngày tham chiếu"]);
      });
    } finally {
      await fs.rm(file, { force: true });
    }
  });
});

describe("download names", () => {
  it("ASCII fallback plus UTF-8 file name", () => {
    expect(contentDisposition("Báo cáo Đồng Nai", "xlsx")).toBe(`attachment; filename="Bao_cao_Dong_Nai.xlsx"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20%C4%90%E1%BB%93ng%20Nai.xlsx`);
  });
});

describe("PDF period report", () => {
  it("writes an A4 PDF with Vietnamese text, the header lines and vector charts", async () => {
    const { reportToPdf } = await import("../../dashboards/export/pdf.server.ts");
    const { buildChart } = await import("../../dashboards/charts/build.ts");
    const { renderSvg } = await import("../../dashboards/charts/render-svg.server.ts");
    const chart = buildChart({ kind: "bar", category: "name", value: "rate", horizontal: false, sort: "none", digits: 1 }, table.rows, { lang: "vi", valueLabel: "Tỷ lệ hộ nghèo", unit: "%" });
    const pdf = await reportToPdf({
      meta: { title: "Báo cáo tổng quan", organisation: "Ban Dân tộc tỉnh Cao Bằng", unitName: "Tỉnh Cao Bằng", periodLabel: "Năm 2024", referenceDate: "31/12/2024", generatedAt: new Date(), dataAsOf: "15/01/2025", isDemo: true },
      sections: [{ title: "Tỷ lệ hộ nghèo theo huyện", table, svg: renderSvg(chart), error: null }],
    });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf.length).toBeGreaterThan(5000);
    // the DejaVu font is embedded (Vietnamese glyphs), not a standard 14 font
    expect(pdf.toString("latin1")).toMatch(/DejaVuSans/);
  });
});
