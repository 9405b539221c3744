import { enteredSexes, hasEthnicGroups, cellKey } from "../forms/cells.ts";
import type { TemplateDefinition } from "../forms/template.ts";
import type { PdfBlock, PdfDocModel } from "./pdf.server.ts";

/**
 * The paper layout of a submission (shared by the HTML print view and the
 * PDF): heading as on official forms, unit/period/reference date/status,
 * one table per template row, the approval trail, signature and stamp space.
 */
export interface PrintInput {
  definition: TemplateDefinition;
  title_vi: string;
  formCode: string;
  templateVersion: number;
  unitName: string;
  parentName: string | null;
  periodLabel: string;
  referenceDate: string;
  deadline: string;
  statusLabel: string;
  isDemo: boolean;
  indicators: Record<string, { name_vi: string; unit_vi?: string }>;
  ethnicityNames: Record<string, string>;
  groups: string[];
  values: Record<string, string>;
  transitions: { at: string; actor: string; from: string; to: string; reason: string }[];
}

const dmy = (d: string) => d.split("-").reverse().join("/");

export function submissionPdfModel(p: PrintInput): PdfDocModel {
  const blocks: PdfBlock[] = [
    { kind: "paragraph", text: `Đơn vị báo cáo: ${p.unitName}${p.parentName ? ` — ${p.parentName}` : ""}` },
    { kind: "paragraph", text: `Kỳ báo cáo: ${p.periodLabel} — Số liệu tính đến ngày ${dmy(p.referenceDate)} — Hạn nộp: ${dmy(p.deadline)}` },
    { kind: "paragraph", text: `Trạng thái: ${p.statusLabel}${p.isDemo ? " — DỮ LIỆU MẪU (demo)" : ""}` },
  ];
  for (const s of p.definition.sections) {
    blocks.push({ kind: "heading", text: s.title_vi });
    for (const r of s.rows) {
      const ind = p.indicators[r.indicator];
      const label = `${r.label_vi ?? ind?.name_vi ?? r.indicator}${ind?.unit_vi ? ` (${ind.unit_vi})` : ""}`;
      const sexes = enteredSexes(r.breakdown);
      const withT = r.breakdown === "ethnicity_sex";
      const cols = [{ label, width: 3 }, ...sexes.map((s) => ({ label: s === "T" ? "Số liệu" : s === "M" ? "Nam" : "Nữ", align: "right" as const })), ...(withT ? [{ label: "Tổng", align: "right" as const }] : [])];
      const eths = hasEthnicGroups(r.breakdown) ? ["00", ...p.groups] : ["00"];
      const rows = eths.map((e) => [
        e === "00" ? (hasEthnicGroups(r.breakdown) ? "Tổng số" : "") : p.ethnicityNames[e] ?? e,
        ...sexes.map((sx) => p.values[cellKey({ indicator: r.indicator, ethnicity: e, sex: sx })] ?? ""),
        ...(withT ? [p.values[cellKey({ indicator: r.indicator, ethnicity: e, sex: "T" })] ?? ""] : []),
      ]);
      blocks.push({ kind: "table", columns: cols, rows, boldRows: [0] });
    }
  }
  if (p.transitions.length) {
    blocks.push({ kind: "heading", text: "Quá trình xử lý" });
    blocks.push({ kind: "table", columns: [{ label: "Thời gian", width: 1.3 }, { label: "Người thực hiện", width: 1.3 }, { label: "Từ" }, { label: "Sang" }, { label: "Lý do", width: 2.4 }], rows: p.transitions.map((t) => [t.at, t.actor, t.from, t.to, t.reason]) });
  }
  blocks.push({ kind: "paragraph", text: `……………, ngày …… tháng …… năm ……`, align: "right" });
  blocks.push({ kind: "signatures", columns: [{ title: "NGƯỜI LẬP BIỂU", subtitle: "(Ký, ghi rõ họ tên)" }, { title: "THỦ TRƯỞNG ĐƠN VỊ", subtitle: "(Ký, đóng dấu, ghi rõ họ tên)" }] });
  return {
    headerLeft: [p.parentName ? p.parentName.toUpperCase() : "", p.unitName.toUpperCase()],
    headerRight: ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"],
    title: p.title_vi.toUpperCase(),
    subtitle: [`(${p.formCode}, phiên bản ${p.templateVersion}) — ${p.periodLabel}`],
    blocks,
    footer: `CSDL Dân tộc — ${p.formCode} — ${p.unitName}`,
    info: { Title: p.title_vi, Author: p.unitName, Subject: p.periodLabel },
  };
}
