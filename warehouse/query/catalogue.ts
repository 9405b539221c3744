import type { WarehouseReader } from "./types.ts";

/** Dimension members for pickers (not unit data: periods, indicators, ethnicities). */
export async function listIndicators(wh: WarehouseReader) {
  return wh.all(
    `select code, name_vi, name_en, domain, unit_vi, unit_en, value_type, disaggregation, aggregation, numerator_code, denominator_code, ratio_scale
       from dim_indicator order by indicator_id`,
  );
}

export async function listPeriods(wh: WarehouseReader) {
  return wh.all(`select period_id, code, type, year, label_vi, label_en, start_date, end_date, status from dim_period order by start_date desc, code`);
}

export async function listEthnicities(wh: WarehouseReader) {
  return wh.all(`select ethnicity_code as code, name_vi, name_en, is_minority, is_all from dim_ethnicity order by sort_order`);
}
