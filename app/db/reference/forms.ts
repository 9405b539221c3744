import type { TemplateDefinition } from "../../forms/template.ts";

/**
 * The survey forms (phiếu/biểu mẫu) seeded into the catalogue on first start.
 * They are ordinary templates: the admin can publish new versions of them.
 */
export const formSeeds: TemplateDefinition[] = [
  {
    code: "BM01-DANSO",
    title_vi: "Biểu 01: Dân số và số hộ chia theo dân tộc",
    title_en: "Form 01: Population and households by ethnicity",
    description_vi: "Cấp xã báo cáo dân số (theo giới tính) và số hộ của từng dân tộc trên địa bàn, số liệu tính đến ngày tham chiếu của kỳ báo cáo.",
    tiers: ["commune"],
    approval: { chain: "parent" },
    sections: [
      {
        id: "danso",
        title_vi: "I. Dân số",
        title_en: "I. Population",
        rows: [{ indicator: "POP", breakdown: "ethnicity_sex", required: true }],
      },
      {
        id: "ho",
        title_vi: "II. Số hộ",
        title_en: "II. Households",
        rows: [{ indicator: "HH", breakdown: "ethnicity", required: true }],
      },
    ],
    rules: [
      { type: "sum_equals_total", indicator: "POP" },
      { type: "sum_equals_total", indicator: "HH" },
      { type: "lte", left: "HH", right: "POP", message_vi: "Số hộ không thể lớn hơn dân số", message_en: "Households cannot exceed population" },
    ],
  },
  {
    code: "BM02-NGHEO",
    title_vi: "Biểu 02: Hộ nghèo, hộ cận nghèo chia theo dân tộc",
    title_en: "Form 02: Poor and near-poor households by ethnicity",
    description_vi: "Kết quả rà soát hộ nghèo, hộ cận nghèo theo chuẩn nghèo đa chiều, chia theo dân tộc của chủ hộ.",
    tiers: ["commune"],
    approval: { chain: "parent" },
    sections: [
      {
        id: "rasoat",
        title_vi: "Kết quả rà soát",
        title_en: "Review results",
        rows: [
          { indicator: "HH_REVIEWED", breakdown: "ethnicity", required: true },
          { indicator: "HH_POOR", breakdown: "ethnicity", required: true },
          { indicator: "HH_NEAR_POOR", breakdown: "ethnicity", required: true },
          { indicator: "HH_ESCAPED_POVERTY", breakdown: "ethnicity", required: false },
        ],
      },
    ],
    rules: [
      { type: "sum_equals_total", indicator: "HH_REVIEWED" },
      { type: "sum_equals_total", indicator: "HH_POOR" },
      { type: "sum_equals_total", indicator: "HH_NEAR_POOR" },
      { type: "lte", left: "HH_POOR", right: "HH_REVIEWED", message_vi: "Số hộ nghèo không thể lớn hơn tổng số hộ được rà soát", message_en: "Poor households cannot exceed households reviewed" },
      { type: "lte", left: "HH_NEAR_POOR", right: "HH_REVIEWED", message_vi: "Số hộ cận nghèo không thể lớn hơn tổng số hộ được rà soát", message_en: "Near-poor households cannot exceed households reviewed" },
    ],
  },
  {
    code: "BM03-HATANG",
    title_vi: "Biểu 03: Kết cấu hạ tầng thiết yếu cấp xã",
    title_en: "Form 03: Essential commune infrastructure",
    tiers: ["commune"],
    approval: { chain: "parent" },
    sections: [
      {
        id: "thon",
        title_vi: "I. Thôn, bản",
        title_en: "I. Villages",
        rows: [
          { indicator: "VILLAGES", breakdown: "total", required: true, min: 1 },
          { indicator: "VILLAGES_GRID", breakdown: "total", required: true },
          { indicator: "VILLAGES_PAVED_ROAD", breakdown: "total", required: true },
        ],
      },
      {
        id: "dichvu",
        title_vi: "II. Y tế, nước sạch",
        title_en: "II. Health and water",
        rows: [
          { indicator: "HEALTH_STATION_STD", breakdown: "total", required: true, max: 1 },
          { indicator: "HH_CLEAN_WATER", breakdown: "ethnicity", required: true },
        ],
      },
    ],
    rules: [
      { type: "lte", left: "VILLAGES_GRID", right: "VILLAGES", message_vi: "Số thôn có điện lưới không thể lớn hơn tổng số thôn", message_en: "Villages on the grid cannot exceed villages" },
      { type: "lte", left: "VILLAGES_PAVED_ROAD", right: "VILLAGES", message_vi: "Số thôn có đường cứng hóa không thể lớn hơn tổng số thôn", message_en: "Villages with paved roads cannot exceed villages" },
      { type: "sum_equals_total", indicator: "HH_CLEAN_WATER" },
    ],
  },
  {
    code: "BM04-CHINHSACH",
    title_vi: "Biểu 04: Kết quả thực hiện chính sách dân tộc cấp huyện",
    title_en: "Form 04: Ethnic policy implementation (district)",
    tiers: ["district"],
    approval: { chain: "parent" },
    sections: [
      {
        id: "ctmtqg",
        title_vi: "I. Chương trình MTQG 1719",
        title_en: "I. National Target Programme 1719",
        rows: [
          { indicator: "P1719_ALLOCATED", breakdown: "total", required: true },
          { indicator: "P1719_DISBURSED", breakdown: "total", required: true },
          { indicator: "HH_HOUSING_SUPPORT", breakdown: "total", required: true },
          { indicator: "HH_LAND_SUPPORT", breakdown: "total", required: true },
        ],
      },
      {
        id: "canbo",
        title_vi: "II. Đại biểu dân cử",
        title_en: "II. Elected representatives",
        rows: [{ indicator: "EM_DEPUTIES", breakdown: "total", required: false }],
      },
    ],
    rules: [{ type: "lte", left: "P1719_DISBURSED", right: "P1719_ALLOCATED", message_vi: "Vốn giải ngân không thể vượt vốn được giao", message_en: "Disbursed cannot exceed allocated" }],
  },
  {
    code: "BM05-XAHOI",
    title_vi: "Biểu 05: Giáo dục và hôn nhân cấp xã",
    title_en: "Form 05: Education and marriage (commune)",
    tiers: ["commune"],
    approval: { chain: "parent" },
    sections: [
      {
        id: "giaoduc",
        title_vi: "I. Giáo dục",
        title_en: "I. Education",
        rows: [
          { indicator: "PUPILS", breakdown: "ethnicity_sex", required: true },
          { indicator: "POP_15PLUS", breakdown: "ethnicity", required: true },
          { indicator: "ILLITERATE_15PLUS", breakdown: "ethnicity", required: true },
        ],
      },
      {
        id: "honnhan",
        title_vi: "II. Hôn nhân",
        title_en: "II. Marriage",
        rows: [
          { indicator: "MARRIAGES", breakdown: "ethnicity", required: true },
          { indicator: "CHILD_MARRIAGES", breakdown: "ethnicity", required: true },
        ],
      },
    ],
    rules: [
      { type: "sum_equals_total", indicator: "PUPILS" },
      { type: "sum_equals_total", indicator: "POP_15PLUS" },
      { type: "sum_equals_total", indicator: "ILLITERATE_15PLUS" },
      { type: "lte", left: "ILLITERATE_15PLUS", right: "POP_15PLUS" },
      { type: "sum_equals_total", indicator: "MARRIAGES" },
      { type: "sum_equals_total", indicator: "CHILD_MARRIAGES" },
      { type: "lte", left: "CHILD_MARRIAGES", right: "MARRIAGES", message_vi: "Số cặp tảo hôn không thể lớn hơn số cặp kết hôn", message_en: "Child marriages cannot exceed marriages" },
    ],
  },
];
