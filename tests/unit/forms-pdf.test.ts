import { describe, expect, it } from "vitest";
import { inflateSync } from "node:zlib";
import { renderPdf } from "../../app/print/pdf.server.ts";
import { submissionPdfModel } from "../../app/print/submission-print.ts";
import { form } from "./forms-fixtures.ts";

const pages = (pdf: Buffer) => (pdf.toString("latin1").match(/\/Type \/Page\b/g) ?? []).length;

describe("PDF writer", () => {
  it("lays out a long table over several pages with the Vietnamese font embedded", async () => {
    const pdf = await renderPdf({
      title: "BÁO CÁO THỬ NGHIỆM",
      subtitle: ["Số liệu tính đến ngày 31/12/2021"],
      blocks: [
        { kind: "heading", text: "I. Dân số chia theo dân tộc" },
        { kind: "table", columns: [{ label: "Dân tộc", width: 3 }, { label: "Nam", align: "right" }, { label: "Nữ", align: "right" }], rows: Array.from({ length: 150 }, (_, i) => [`Dân tộc thứ ${i + 1} (Hmông, Dao, Nùng, Tày)`, "1.234", "5.678"]) },
        { kind: "signatures", columns: [{ title: "NGƯỜI LẬP BIỂU" }, { title: "THỦ TRƯỞNG ĐƠN VỊ", subtitle: "(Ký, đóng dấu)" }] },
      ],
      footer: "CSDL Dân tộc",
    });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pages(pdf)).toBeGreaterThanOrEqual(4);
    expect(pdf.toString("latin1")).toMatch(/DejaVuSans/);
  });

  it("the paper form of a submission carries unit, period, reference date, status, trail and signatures", async () => {
    const model = submissionPdfModel({
      definition: form("BM01-DANSO"), title_vi: "Biểu 01: Dân số và số hộ chia theo dân tộc", formCode: "BM01-DANSO", templateVersion: 1,
      unitName: "Xã Nam Tuấn", parentName: "Huyện Hòa An", periodLabel: "Năm 2024", referenceDate: "2024-12-31", deadline: "2025-01-15",
      statusLabel: "Đã phê duyệt", isDemo: false, indicators: { POP: { name_vi: "Dân số", unit_vi: "Người" }, HH: { name_vi: "Số hộ", unit_vi: "Hộ" } },
      ethnicityNames: { "02": "Tày" }, groups: ["02"], values: { "POP:00:M": "10", "POP:00:F": "12", "POP:00:T": "22", "POP:02:M": "10", "POP:02:F": "12", "POP:02:T": "22", "HH:00:T": "5", "HH:02:T": "5" },
      transitions: [{ at: "01/01/2025 08:00", actor: "xanamtuan", from: "Đang nhập (nháp)", to: "Đã gửi, chờ duyệt", reason: "" }],
    });
    const text = JSON.stringify(model);
    for (const s of ["Xã Nam Tuấn", "Năm 2024", "31/12/2024", "Đã phê duyệt", "THỦ TRƯỞNG ĐƠN VỊ", "Quá trình xử lý", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]) expect(text).toContain(s);
    const pop = model.blocks.find((b) => b.kind === "table") as { rows: string[][] };
    expect(pop.rows).toEqual([["Tổng số", "10", "12", "22"], ["Tày", "10", "12", "22"]]);
    const pdf = await renderPdf(model);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    // the text is drawn with the embedded TrueType font (glyph ids, not WinAnsi)
    const streams = [...pdf.toString("latin1").matchAll(/stream\r?\n([\s\S]*?)endstream/g)].map((m) => {
      try { return inflateSync(Buffer.from(m[1], "latin1")).toString("latin1"); } catch { return ""; }
    });
    expect(streams.some((s) => /\/F\d+ [\d.]+ Tf/.test(s))).toBe(true);
  });
});
