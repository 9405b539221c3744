import { createRequire } from "node:module";
import path from "node:path";
import PDFDocument from "pdfkit";

/**
 * A small, reusable PDF writer (pdfkit) for printed forms and reports, with
 * a Vietnamese-capable font (DejaVu, shipped by the dejavu-fonts-ttf npm
 * package). Callers describe the document as blocks; this module lays it out
 * on A4 with page breaks, repeated table headers and page numbers.
 */
export interface PdfColumn {
  label: string;
  /** relative width (default 1) */
  width?: number;
  align?: "left" | "right" | "center";
}

export type PdfBlock =
  | { kind: "heading"; text: string }
  | { kind: "paragraph"; text: string; bold?: boolean; align?: "left" | "center" | "right" }
  | { kind: "table"; columns: PdfColumn[]; rows: string[][]; boldRows?: number[] }
  | { kind: "signatures"; columns: { title: string; subtitle?: string }[] }
  | { kind: "spacer"; height?: number };

export interface PdfDocModel {
  /** Two header columns as on Vietnamese official forms: issuing body (left), national motto (right). */
  headerLeft?: string[];
  headerRight?: string[];
  title: string;
  subtitle?: string[];
  blocks: PdfBlock[];
  footer?: string;
  landscape?: boolean;
  info?: { Title?: string; Author?: string; Subject?: string };
}

const require = createRequire(import.meta.url);
const fontDir = path.join(path.dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
export const FONTS = {
  regular: path.join(fontDir, "DejaVuSans.ttf"),
  bold: path.join(fontDir, "DejaVuSans-Bold.ttf"),
  italic: path.join(fontDir, "DejaVuSans-Oblique.ttf"),
};

export async function renderPdf(model: PdfDocModel): Promise<Buffer> {
  const doc = new PDFDocument({ size: "A4", layout: model.landscape ? "landscape" : "portrait", margins: { top: 40, bottom: 50, left: 45, right: 40 }, bufferPages: true, info: model.info });
  doc.registerFont("R", FONTS.regular);
  doc.registerFont("B", FONTS.bold);
  doc.registerFont("I", FONTS.italic);
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const bottom = () => doc.page.height - doc.page.margins.bottom;

  if (model.headerLeft || model.headerRight) {
    const y = doc.y;
    const half = width / 2;
    doc.font("B").fontSize(9);
    (model.headerLeft ?? []).forEach((l, i) => doc.font(i === 0 ? "R" : "B").text(l, left, i === 0 ? y : undefined, { width: half - 10, align: "center" }));
    const yl = doc.y;
    doc.y = y;
    (model.headerRight ?? []).forEach((l, i) => doc.font(i === 0 ? "B" : "R").text(l, left + half, i === 0 ? y : undefined, { width: half, align: "center" }));
    doc.y = Math.max(yl, doc.y) + 12;
  }
  doc.font("B").fontSize(13).text(model.title, left, doc.y, { width, align: "center" });
  doc.font("I").fontSize(9.5);
  for (const s of model.subtitle ?? []) doc.text(s, { width, align: "center" });
  doc.moveDown(0.8);

  for (const b of model.blocks) {
    if (b.kind === "spacer") doc.moveDown(b.height ?? 1);
    else if (b.kind === "heading") {
      if (doc.y > bottom() - 60) doc.addPage();
      doc.font("B").fontSize(10.5).text(b.text, left, doc.y, { width });
      doc.moveDown(0.3);
    } else if (b.kind === "paragraph") {
      doc.font(b.bold ? "B" : "R").fontSize(9.5).text(b.text, left, doc.y, { width, align: b.align ?? "left" });
      doc.moveDown(0.3);
    } else if (b.kind === "table") drawTable(doc, b, left, width, bottom);
    else if (b.kind === "signatures") {
      if (doc.y > bottom() - 120) doc.addPage();
      doc.moveDown(1);
      const y = doc.y;
      const w = width / b.columns.length;
      b.columns.forEach((c, i) => {
        doc.font("B").fontSize(9.5).text(c.title, left + i * w, y, { width: w, align: "center" });
        if (c.subtitle) doc.font("I").fontSize(8.5).text(c.subtitle, left + i * w, doc.y, { width: w, align: "center" });
      });
      doc.y = y + 100; // space to sign and stamp
      doc.x = left;
    }
  }

  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    const oldBottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font("R").fontSize(8).fillColor("#555")
      .text(`${model.footer ? `${model.footer} — ` : ""}Trang ${i + 1}/${range.count}`, left, doc.page.height - 35, { width, align: "center", lineBreak: false });
    doc.page.margins.bottom = oldBottom;
    doc.fillColor("black");
  }
  doc.end();
  return done;
}

function drawTable(doc: PDFKit.PDFDocument, t: Extract<PdfBlock, { kind: "table" }>, left: number, width: number, bottom: () => number) {
  const total = t.columns.reduce((a, c) => a + (c.width ?? 1), 0);
  const widths = t.columns.map((c) => ((c.width ?? 1) / total) * width);
  const pad = 3;
  const fontSize = 8.5;
  const rowHeight = (cells: string[], font: string) => {
    doc.font(font).fontSize(fontSize);
    return Math.max(...cells.map((c, i) => doc.heightOfString(c || " ", { width: widths[i] - 2 * pad }))) + 2 * pad;
  };
  const drawRow = (cells: string[], font: string, fill?: string) => {
    const h = rowHeight(cells, font);
    if (doc.y + h > bottom()) {
      doc.addPage();
      drawHeader();
    }
    const y = doc.y;
    let x = left;
    cells.forEach((c, i) => {
      if (fill) doc.rect(x, y, widths[i], h).fillAndStroke(fill, "#888");
      else doc.rect(x, y, widths[i], h).stroke("#888");
      doc.fillColor("black").font(font).fontSize(fontSize).text(c ?? "", x + pad, y + pad, { width: widths[i] - 2 * pad, align: t.columns[i].align ?? "left" });
      x += widths[i];
    });
    doc.y = y + h;
    doc.x = left;
  };
  const drawHeader = () => drawRow(t.columns.map((c) => c.label), "B", "#eef1f5");
  doc.lineWidth(0.5);
  drawHeader();
  t.rows.forEach((r, i) => drawRow(r, t.boldRows?.includes(i) ? "B" : "R"));
  doc.moveDown(0.6);
}
