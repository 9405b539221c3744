import { createRequire } from "node:module";
import PDFDocument from "pdfkit";
import SVGtoPDF from "svg-to-pdfkit";
import type { PeriodReport } from "../report.server.ts";
import type { Column, DataTable } from "../table.ts";
import { reportHeaderLines } from "./report-meta.ts";
import { fmtNumber } from "../charts/format.ts";

/**
 * The period report as an official-looking PDF (A4): the national motto
 * block and the issuing organisation, the title, the header lines (unit,
 * period, reference date, generated at, data as-of), then each panel's chart
 * (vector, from the server SVG) and its table. Vietnamese text uses DejaVu
 * Sans from the dejavu-fonts-ttf package (full Vietnamese coverage).
 */
const require = createRequire(import.meta.url);
const FONT = require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf");
const FONT_BOLD = require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf");
const FONT_ITALIC = require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Oblique.ttf");

const M = 50; // margins (pt)

function cellText(c: Column, v: unknown): string {
  if (v === null || v === undefined) return "–";
  if (typeof v === "number") return fmtNumber(v, "vi", c.type === "integer" ? 0 : (c.digits ?? 2));
  return String(v);
}

function drawTable(doc: PDFKit.PDFDocument, t: DataTable, maxRows = 60) {
  const width = doc.page.width - 2 * M;
  const cols = t.columns;
  const first = cols.length > 1 ? Math.min(width * 0.4, 200) : width;
  const rest = cols.length > 1 ? (width - first) / (cols.length - 1) : 0;
  const widths = cols.map((_, i) => (i === 0 ? first : rest));
  const rowH = 14;
  const header = () => {
    let x = M;
    const y = doc.y;
    doc.font("bold").fontSize(7.5);
    const h = Math.max(...cols.map((c, i) => doc.heightOfString(c.unit ? `${c.label} (${c.unit})` : c.label, { width: widths[i] - 4 }))) + 4;
    doc.rect(M, y, width, h).fill("#dce6f1").fillColor("#000");
    cols.forEach((c, i) => {
      doc.text(c.unit ? `${c.label} (${c.unit})` : c.label, x + 2, y + 2, { width: widths[i] - 4, align: i === 0 ? "left" : "right" });
      x += widths[i];
    });
    doc.y = y + h;
  };
  header();
  doc.font("regular").fontSize(7.5);
  for (const r of t.rows.slice(0, maxRows)) {
    if (doc.y + rowH > doc.page.height - M) {
      doc.addPage();
      header();
      doc.font("regular").fontSize(7.5);
    }
    let x = M;
    const y = doc.y;
    cols.forEach((c, i) => {
      doc.text(cellText(c, r[c.key]), x + 2, y + 3, { width: widths[i] - 4, align: i === 0 || c.type === "string" ? "left" : "right", lineBreak: false, ellipsis: true });
      x += widths[i];
    });
    doc.moveTo(M, y + rowH).lineTo(M + width, y + rowH).lineWidth(0.3).strokeColor("#bbbbbb").stroke();
    doc.y = y + rowH;
  }
  if (t.rows.length > maxRows) doc.font("italic").fontSize(7).text(`… còn ${t.rows.length - maxRows} dòng (xem tệp Excel)`, M, doc.y + 2);
  doc.x = M;
}

export async function reportToPdf(report: PeriodReport): Promise<Buffer> {
  const doc = new PDFDocument({ size: "A4", margin: M, info: { Title: report.meta.title, Author: report.meta.organisation ?? "CSDL Dân tộc", Creator: "CSDL Dân tộc" }, bufferPages: true });
  doc.registerFont("regular", FONT);
  doc.registerFont("bold", FONT_BOLD);
  doc.registerFont("italic", FONT_ITALIC);
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const w = doc.page.width - 2 * M;
  const m = report.meta;
  // header block: organisation (left), national motto (right)
  const top = doc.y;
  doc.font("bold").fontSize(9).text((m.organisation ?? "").toUpperCase(), M, top, { width: w / 2 - 10, align: "center" });
  doc.font("bold").fontSize(9).text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", M + w / 2, top, { width: w / 2, align: "center" });
  doc.font("bold").fontSize(9).text("Độc lập - Tự do - Hạnh phúc", M + w / 2, doc.y, { width: w / 2, align: "center", underline: true });
  doc.moveDown(2);
  doc.font("bold").fontSize(14).text(m.title.toUpperCase(), M, doc.y, { width: w, align: "center" });
  doc.moveDown(0.8);
  for (const [k, v] of reportHeaderLines(m)) {
    doc.font("italic").fontSize(9).text(`${k}: `, M, doc.y, { continued: true });
    doc.font(k === "Lưu ý" ? "bold" : "regular").fillColor(k === "Lưu ý" ? "#c00000" : "#000").text(v).fillColor("#000");
  }
  doc.moveDown(1);
  report.sections.forEach((s, i) => {
    const chartH = s.svg ? 230 : 0;
    if (doc.y + 40 + chartH > doc.page.height - M) doc.addPage();
    doc.font("bold").fontSize(11).text(`${i + 1}. ${s.title}`, M, doc.y, { width: w });
    doc.moveDown(0.3);
    if (s.error) doc.font("italic").fontSize(9).fillColor("#c00000").text(`Không tải được: ${s.error}`).fillColor("#000");
    if (s.svg) {
      const y = doc.y;
      try {
        SVGtoPDF(doc, s.svg, M, y, { width: w, height: chartH, preserveAspectRatio: "xMidYMid meet", fontCallback: () => "regular" });
      } catch {
        doc.font("italic").fontSize(8).text("(không vẽ được biểu đồ)");
      }
      doc.y = y + chartH + 6;
      doc.x = M;
    }
    if (s.table.rows.length) drawTable(doc, s.table);
    else doc.font("italic").fontSize(9).text("Chưa có số liệu.", M, doc.y);
    doc.moveDown(1);
  });
  // page numbers
  const range = doc.bufferedPageRange();
  for (let p = range.start; p < range.start + range.count; p++) {
    doc.switchToPage(p);
    doc.font("regular").fontSize(7).fillColor("#666").text(`Trang ${p + 1}/${range.count} — ${m.title}`, M, doc.page.height - M + 15, { width: w, align: "center", lineBreak: false });
  }
  doc.end();
  return done;
}
