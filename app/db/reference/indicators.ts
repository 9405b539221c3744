/**
 * The indicator catalogue seeded on first start. Names follow the ethnic-affairs
 * indicator system (TT 06/2014/TT-UBDT → TT 03/2019/TT-UBDT), the reporting
 * regime (TT 02/2018/TT-UBDT) and the 53-minorities surveys, as collected in
 * indicators_reference.csv beside this file (see SOURCES.md). Where that list
 * has only a rate, the catalogue holds its numerator and denominator as
 * countable indicators and the rate as a ratio recomputed at every level.
 */
export interface IndicatorSeed {
  code: string;
  name_vi: string;
  name_en: string;
  domain: "population" | "poverty" | "infrastructure" | "education" | "health" | "policy";
  unit_vi: string;
  unit_en: string;
  value_type: "integer" | "decimal";
  disaggregation: "none" | "ethnicity" | "ethnicity_sex";
  aggregation: "sum" | "ratio";
  numerator_code?: string;
  denominator_code?: string;
  ratio_scale?: number;
  min_value?: number;
  max_value?: number;
  plausible_min?: number;
  plausible_max?: number;
  source: string;
}

const TT03 = "TT 03/2019/TT-UBDT (hệ thống chỉ tiêu thống kê công tác dân tộc)";
const TT02 = "TT 02/2018/TT-UBDT (chế độ báo cáo thống kê công tác dân tộc)";
const DT53 = "Điều tra thu thập thông tin về thực trạng KT-XH của 53 DTTS";

export const indicatorSeeds: IndicatorSeed[] = [
  // population
  { code: "POP", name_vi: "Dân số", name_en: "Population", domain: "population", unit_vi: "Người", unit_en: "persons", value_type: "integer", disaggregation: "ethnicity_sex", aggregation: "sum", min_value: 0, plausible_max: 60000, source: `${TT03}; ${DT53}` },
  { code: "HH", name_vi: "Số hộ", name_en: "Households", domain: "population", unit_vi: "Hộ", unit_en: "households", value_type: "integer", disaggregation: "ethnicity", aggregation: "sum", min_value: 0, plausible_max: 15000, source: `${DT53} (Quy mô hộ DTTS)` },
  { code: "AVG_HH_SIZE", name_vi: "Quy mô hộ bình quân", name_en: "Average household size", domain: "population", unit_vi: "Người/hộ", unit_en: "persons/household", value_type: "decimal", disaggregation: "ethnicity", aggregation: "ratio", numerator_code: "POP", denominator_code: "HH", ratio_scale: 1, source: DT53 },
  // poverty
  { code: "HH_REVIEWED", name_vi: "Tổng số hộ được rà soát", name_en: "Households reviewed (poverty review)", domain: "poverty", unit_vi: "Hộ", unit_en: "households", value_type: "integer", disaggregation: "ethnicity", aggregation: "sum", min_value: 0, plausible_max: 15000, source: TT02 },
  { code: "HH_POOR", name_vi: "Số hộ nghèo", name_en: "Poor households", domain: "poverty", unit_vi: "Hộ", unit_en: "households", value_type: "integer", disaggregation: "ethnicity", aggregation: "sum", min_value: 0, source: `${TT02} (Hộ nghèo và cận nghèo)` },
  { code: "HH_NEAR_POOR", name_vi: "Số hộ cận nghèo", name_en: "Near-poor households", domain: "poverty", unit_vi: "Hộ", unit_en: "households", value_type: "integer", disaggregation: "ethnicity", aggregation: "sum", min_value: 0, source: `${TT02} (Hộ nghèo và cận nghèo)` },
  { code: "HH_ESCAPED_POVERTY", name_vi: "Số hộ thoát nghèo trong kỳ", name_en: "Households that escaped poverty in the period", domain: "poverty", unit_vi: "Hộ", unit_en: "households", value_type: "integer", disaggregation: "ethnicity", aggregation: "sum", min_value: 0, source: TT02 },
  { code: "POVERTY_RATE", name_vi: "Tỷ lệ hộ nghèo", name_en: "Household poverty rate", domain: "poverty", unit_vi: "%", unit_en: "%", value_type: "decimal", disaggregation: "ethnicity", aggregation: "ratio", numerator_code: "HH_POOR", denominator_code: "HH_REVIEWED", ratio_scale: 100, source: `${TT03} (Tỷ lệ hộ nghèo của hộ DTTS)` },
  { code: "NEAR_POVERTY_RATE", name_vi: "Tỷ lệ hộ cận nghèo", name_en: "Household near-poverty rate", domain: "poverty", unit_vi: "%", unit_en: "%", value_type: "decimal", disaggregation: "ethnicity", aggregation: "ratio", numerator_code: "HH_NEAR_POOR", denominator_code: "HH_REVIEWED", ratio_scale: 100, source: DT53 },
  // infrastructure
  { code: "VILLAGES", name_vi: "Số thôn, bản, tổ dân phố", name_en: "Villages", domain: "infrastructure", unit_vi: "Thôn", unit_en: "villages", value_type: "integer", disaggregation: "none", aggregation: "sum", min_value: 0, plausible_min: 1, plausible_max: 60, source: DT53 },
  { code: "VILLAGES_GRID", name_vi: "Số thôn được sử dụng điện lưới quốc gia", name_en: "Villages on the national grid", domain: "infrastructure", unit_vi: "Thôn", unit_en: "villages", value_type: "integer", disaggregation: "none", aggregation: "sum", min_value: 0, source: `${DT53} (Tỷ lệ thôn được sử dụng điện lưới quốc gia)` },
  { code: "VILLAGES_PAVED_ROAD", name_vi: "Số thôn có đường đến trung tâm xã được cứng hóa", name_en: "Villages with a paved road to the commune centre", domain: "infrastructure", unit_vi: "Thôn", unit_en: "villages", value_type: "integer", disaggregation: "none", aggregation: "sum", min_value: 0, source: DT53 },
  { code: "HEALTH_STATION_STD", name_vi: "Trạm y tế xã đạt chuẩn quốc gia (1 = có)", name_en: "Commune health station meets national standard (1 = yes)", domain: "health", unit_vi: "Trạm", unit_en: "stations", value_type: "integer", disaggregation: "none", aggregation: "sum", min_value: 0, max_value: 1, source: `${DT53} (Tỷ lệ xã có trạm y tế)` },
  { code: "HH_CLEAN_WATER", name_vi: "Số hộ sử dụng nước sinh hoạt hợp vệ sinh", name_en: "Households using hygienic water", domain: "infrastructure", unit_vi: "Hộ", unit_en: "households", value_type: "integer", disaggregation: "ethnicity", aggregation: "sum", min_value: 0, source: `${DT53} (nguồn nước hợp vệ sinh)` },
  { code: "GRID_RATE", name_vi: "Tỷ lệ thôn có điện lưới quốc gia", name_en: "Share of villages on the national grid", domain: "infrastructure", unit_vi: "%", unit_en: "%", value_type: "decimal", disaggregation: "none", aggregation: "ratio", numerator_code: "VILLAGES_GRID", denominator_code: "VILLAGES", ratio_scale: 100, source: DT53 },
  { code: "PAVED_ROAD_RATE", name_vi: "Tỷ lệ thôn có đường đến trung tâm xã được cứng hóa", name_en: "Share of villages with a paved road to the commune centre", domain: "infrastructure", unit_vi: "%", unit_en: "%", value_type: "decimal", disaggregation: "none", aggregation: "ratio", numerator_code: "VILLAGES_PAVED_ROAD", denominator_code: "VILLAGES", ratio_scale: 100, source: DT53 },
  { code: "CLEAN_WATER_RATE", name_vi: "Tỷ lệ hộ sử dụng nước hợp vệ sinh", name_en: "Share of households using hygienic water", domain: "infrastructure", unit_vi: "%", unit_en: "%", value_type: "decimal", disaggregation: "ethnicity", aggregation: "ratio", numerator_code: "HH_CLEAN_WATER", denominator_code: "HH", ratio_scale: 100, source: DT53 },
  // education
  { code: "PUPILS", name_vi: "Số học sinh phổ thông", name_en: "General-education pupils", domain: "education", unit_vi: "Học sinh", unit_en: "pupils", value_type: "integer", disaggregation: "ethnicity_sex", aggregation: "sum", min_value: 0, source: `${TT02} (Giáo dục và đào tạo)` },
  { code: "POP_15PLUS", name_vi: "Dân số từ 15 tuổi trở lên", name_en: "Population aged 15+", domain: "education", unit_vi: "Người", unit_en: "persons", value_type: "integer", disaggregation: "ethnicity", aggregation: "sum", min_value: 0, source: DT53 },
  { code: "ILLITERATE_15PLUS", name_vi: "Số người từ 15 tuổi trở lên không biết đọc, viết chữ phổ thông", name_en: "Persons 15+ unable to read and write Vietnamese", domain: "education", unit_vi: "Người", unit_en: "persons", value_type: "integer", disaggregation: "ethnicity", aggregation: "sum", min_value: 0, source: DT53 },
  { code: "ILLITERACY_RATE", name_vi: "Tỷ lệ người từ 15 tuổi trở lên không biết chữ phổ thông", name_en: "Illiteracy rate (15+)", domain: "education", unit_vi: "%", unit_en: "%", value_type: "decimal", disaggregation: "ethnicity", aggregation: "ratio", numerator_code: "ILLITERATE_15PLUS", denominator_code: "POP_15PLUS", ratio_scale: 100, source: DT53 },
  // health / social
  { code: "MARRIAGES", name_vi: "Số cặp kết hôn", name_en: "Marriages", domain: "health", unit_vi: "Cặp", unit_en: "couples", value_type: "integer", disaggregation: "ethnicity", aggregation: "sum", min_value: 0, source: TT02 },
  { code: "CHILD_MARRIAGES", name_vi: "Số cặp tảo hôn", name_en: "Child marriages", domain: "health", unit_vi: "Cặp", unit_en: "couples", value_type: "integer", disaggregation: "ethnicity", aggregation: "sum", min_value: 0, source: TT02 },
  { code: "CHILD_MARRIAGE_RATE", name_vi: "Tỷ lệ tảo hôn", name_en: "Child-marriage rate", domain: "health", unit_vi: "%", unit_en: "%", value_type: "decimal", disaggregation: "ethnicity", aggregation: "ratio", numerator_code: "CHILD_MARRIAGES", denominator_code: "MARRIAGES", ratio_scale: 100, source: TT03 },
  // policy implementation (district reports)
  { code: "P1719_ALLOCATED", name_vi: "Vốn CT MTQG 1719 được giao", name_en: "National Target Programme 1719 funds allocated", domain: "policy", unit_vi: "Triệu đồng", unit_en: "million VND", value_type: "decimal", disaggregation: "none", aggregation: "sum", min_value: 0, source: "QĐ 1719/QĐ-TTg (CT MTQG phát triển KT-XH vùng đồng bào DTTS và miền núi)" },
  { code: "P1719_DISBURSED", name_vi: "Vốn CT MTQG 1719 đã giải ngân", name_en: "NTP 1719 funds disbursed", domain: "policy", unit_vi: "Triệu đồng", unit_en: "million VND", value_type: "decimal", disaggregation: "none", aggregation: "sum", min_value: 0, source: "QĐ 1719/QĐ-TTg" },
  { code: "P1719_DISBURSEMENT_RATE", name_vi: "Tỷ lệ giải ngân vốn CT MTQG 1719", name_en: "NTP 1719 disbursement rate", domain: "policy", unit_vi: "%", unit_en: "%", value_type: "decimal", disaggregation: "none", aggregation: "ratio", numerator_code: "P1719_DISBURSED", denominator_code: "P1719_ALLOCATED", ratio_scale: 100, source: "QĐ 1719/QĐ-TTg" },
  { code: "HH_HOUSING_SUPPORT", name_vi: "Số hộ DTTS được hỗ trợ nhà ở", name_en: "EM households given housing support", domain: "policy", unit_vi: "Hộ", unit_en: "households", value_type: "integer", disaggregation: "none", aggregation: "sum", min_value: 0, source: "QĐ 1719/QĐ-TTg (Dự án 1)" },
  { code: "HH_LAND_SUPPORT", name_vi: "Số hộ DTTS được hỗ trợ đất sản xuất", name_en: "EM households given production land", domain: "policy", unit_vi: "Hộ", unit_en: "households", value_type: "integer", disaggregation: "none", aggregation: "sum", min_value: 0, source: "QĐ 1719/QĐ-TTg (Dự án 1)" },
  { code: "EM_DEPUTIES", name_vi: "Số đại biểu HĐND là người dân tộc thiểu số", name_en: "EM deputies in the People's Council", domain: "policy", unit_vi: "Người", unit_en: "persons", value_type: "integer", disaggregation: "none", aggregation: "sum", min_value: 0, source: TT03 },
];

/** Sector departments and the indicator domains whose data they verify province-wide. */
export const departmentSectors: Record<string, string[]> = {
  solaodongthuongbinhvaxahoi: ["poverty"],
  "nganhangchinhsachxahoitinh": ["poverty"],
  soyte: ["health"],
  sogiaoducvadaotao: ["education"],
  soxaydung: ["infrastructure"],
  sogiaothongvantai: ["infrastructure"],
  sonongnghiepvaphattriennongthon: ["infrastructure"],
  sokehoachvadautu: ["policy"],
};
