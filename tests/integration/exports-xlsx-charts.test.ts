import { afterAll, beforeAll, describe, expect, it } from "vitest";
import zlib from "node:zlib";
import ExcelJS from "exceljs";
import { openWarehouse, type WarehouseService } from "../../warehouse/service.ts";
import { loadMiniWarehouseWithPopulation, miniScope } from "../fixtures/warehouse-mini.ts";
import { getDashboard } from "../../dashboards/registry.ts";
import { loadCatalogue } from "../../dashboards/catalogue.ts";
import { buildDashboardContext } from "../../dashboards/build-context.ts";
import { parseFilterState } from "../../dashboards/state.ts";
import { buildPeriodReport, type PeriodReport } from "../../dashboards/report.server.ts";
import { reportToXlsx, CHART_SCALE } from "../../dashboards/export/xlsx-report.server.ts";
import { xlsxHeaderRow } from "../../dashboards/export/xlsx.server.ts";
import { svgToPng } from "../../dashboards/export/svg-png.server.ts";

/**
 * The XLSX period report carries each panel's chart as a PNG next to its
 * table. Read back with exceljs: one image per chart panel, each a real PNG
 * (signature, IHDR size, decoded pixels not blank), tables unchanged.
 */

const SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Minimal PNG decoder (8-bit RGB/RGBA, non-interlaced, as resvg writes): size + share of non-white pixels. */
function decodePng(buf: Buffer): { width: number; height: number; inked: number } {
  expect([...buf.subarray(0, 8)]).toEqual(SIG);
  expect(buf.subarray(12, 16).toString("latin1")).toBe("IHDR");
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  const [depth, colorType, , , interlace] = buf.subarray(24, 29);
  expect(depth).toBe(8);
  expect(interlace).toBe(0);
  const bpp = colorType === 6 ? 4 : colorType === 2 ? 3 : 0;
  expect(bpp, `colour type ${colorType}`).toBeGreaterThan(0);
  const idat: Buffer[] = [];
  let off = 8;
  let sawEnd = false;
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.subarray(off + 4, off + 8).toString("latin1");
    if (type === "IDAT") idat.push(buf.subarray(off + 8, off + 8 + len));
    if (type === "IEND") sawEnd = true;
    off += 12 + len;
  }
  expect(sawEnd).toBe(true);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  expect(raw.length).toBe(height * (stride + 1));
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x];
      const a = x >= bpp ? out[y * stride + x - bpp] : 0;
      const b = y > 0 ? out[(y - 1) * stride + x] : 0;
      const c = x >= bpp && y > 0 ? out[(y - 1) * stride + x - bpp] : 0;
      let p = 0;
      if (f === 1) p = a;
      else if (f === 2) p = b;
      else if (f === 3) p = (a + b) >> 1;
      else if (f === 4) {
        const pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - 2 * c);
        p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[y * stride + x] = (v + p) & 0xff;
    }
  }
  let inked = 0;
  for (let i = 0; i < out.length; i += bpp) if (out[i] < 240 || out[i + 1] < 240 || out[i + 2] < 240) inked++;
  return { width, height, inked: inked / (width * height) };
}

let wh: WarehouseService;
let report: PeriodReport;
let wb: ExcelJS.Workbook;
beforeAll(async () => {
  wh = await openWarehouse({ path: ":memory:" });
  await loadMiniWarehouseWithPopulation(wh);
  const scope = miniScope(1);
  const cat = await loadCatalogue(wh);
  const ctx = buildDashboardContext({ filters: parseFilterState(new URLSearchParams("period=2024")).state, ...cat, unit: { id: 1, tier: "province" }, sectorDomains: [] });
  report = await buildPeriodReport(wh, scope, getDashboard("province")!, ctx, { unitName: "Tỉnh Cao Bằng", referenceDate: "31/12/2024", dataAsOf: "31/01/2025 08:00", generatedBy: "admin (Ban Dân tộc)" });
  wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await reportToXlsx(report)) as never);
});
afterAll(async () => wh?.close());

describe("XLSX period report with charts", () => {
  it("has one PNG image per chart panel, beside its own table", () => {
    const charted = report.sections.filter((s) => s.svg);
    expect(charted.length).toBeGreaterThanOrEqual(3); // bar, line, map, … on the province dashboard
    expect(wb.worksheets).toHaveLength(report.sections.length);
    let images = 0;
    report.sections.forEach((s, i) => {
      const ws = wb.worksheets[i];
      const imgs = ws.getImages();
      expect(imgs, s.title).toHaveLength(s.svg ? 1 : 0);
      images += imgs.length;
      for (const im of imgs) {
        // to the right of the table, top edge on the first data row (0-based anchors)
        expect(im.range.tl.nativeCol).toBeGreaterThanOrEqual(s.table.columns.length);
        expect(im.range.tl.nativeRow).toBe(xlsxHeaderRow(report.meta));
        expect(ws.getCell(xlsxHeaderRow(report.meta), im.range.tl.nativeCol + 1).value).toBe(`Biểu đồ: ${s.title}`);
      }
    });
    expect(images).toBe(charted.length);
    expect(wb.model.media.filter((m) => m.extension === "png")).toHaveLength(charted.length);
  });

  it("each image is a valid, non-blank PNG of plausible size", () => {
    for (const ws of wb.worksheets) {
      for (const im of ws.getImages()) {
        const media = wb.getImage(Number(im.imageId));
        expect(media.extension).toBe("png");
        const buf = Buffer.from(media.buffer as unknown as Uint8Array);
        expect(buf.length).toBeGreaterThan(5_000);
        const png = decodePng(buf);
        expect(png.width).toBe(720 * CHART_SCALE); // buildPeriodReport renders at 720 px wide
        expect(png.height).toBeGreaterThanOrEqual(150 * CHART_SCALE);
        expect(png.height).toBeLessThanOrEqual(420 * CHART_SCALE);
        expect(png.inked, ws.name).toBeGreaterThan(0.005); // something is drawn…
        expect(png.inked, ws.name).toBeLessThan(0.95); // …on a white background
      }
    }
  });

  it("keeps the official header and the tables' numbers as numbers, unchanged", () => {
    const h = xlsxHeaderRow(report.meta);
    report.sections.forEach((s, i) => {
      const ws = wb.worksheets[i];
      const head: string[] = [];
      for (let r = 1; r < h; r++) head.push(`${ws.getCell(r, 1).value ?? ""}: ${ws.getCell(r, 2).value ?? ""}`);
      expect(head).toContain("Đơn vị: Tỉnh Cao Bằng");
      expect(head).toContain("Kỳ báo cáo: Năm 2024");
      expect(head).toContain("Số liệu tính đến ngày: 31/12/2024");
      expect(head).toContain("Dữ liệu cập nhật đến: 31/01/2025 08:00");
      expect(head.some((l) => l.startsWith("Thời điểm lập: "))).toBe(true);
      expect(ws.getRow(h).values).toEqual([undefined, ...s.table.columns.map((c) => (c.unit ? `${c.label} (${c.unit})` : c.label)), ...(s.svg ? [undefined, `Biểu đồ: ${s.title}`] : [])]);
      s.table.rows.forEach((row, k) => {
        s.table.columns.forEach((c, j) => {
          const v = ws.getCell(h + 1 + k, j + 1).value;
          expect(v, `${s.title} r${k} ${c.key}`).toEqual(row[c.key] ?? null);
          if (typeof row[c.key] === "number") expect(typeof v).toBe("number");
        });
      });
    });
    // spot-check a known number: poverty rate by district, Huyện A = 20 %
    const i = report.sections.findIndex((s) => s.title === report.sections.find((x) => x.table.rows.some((r) => r.category === "Huyện A"))?.title);
    expect(i).toBeGreaterThanOrEqual(0);
    const ws = wb.worksheets[i];
    const rowA = [...Array(report.sections[i].table.rows.length).keys()].map((k) => ws.getRow(h + 1 + k)).find((r) => r.getCell(1).value === "Huyện A")!;
    expect(rowA.getCell(2).value).toBeCloseTo(20, 6);
  });
});

describe("SVG → PNG rasteriser", () => {
  it("draws Vietnamese text with the bundled DejaVu font (system fonts off)", () => {
    const text = (s: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40"><text x="5" y="28" style="font: 20px sans-serif" fill="#000">${s}</text></svg>`;
    const a = svgToPng(text("Huyện Bảo Lâm — Tày, Nùng"))!;
    const blank = svgToPng(text(""))!;
    expect(a.width).toBe(600);
    expect(decodePng(a.png).inked).toBeGreaterThan(0.02);
    expect(decodePng(blank.png).inked).toBe(0);
  });

  it("returns null for an SVG it cannot read (the table still goes in)", () => {
    expect(svgToPng("<svg")).toBeNull();
  });
});
