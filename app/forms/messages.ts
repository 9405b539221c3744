/**
 * Every message the entry checks produce, Vietnamese first with the English
 * beside it. A CellError names the cell it belongs to so the form can show it
 * next to the input (and the bulk import can name the sheet cell).
 */
export type MessageCode =
  | "too_long"
  | "not_a_number"
  | "bad_grouping"
  | "too_large"
  | "not_integer"
  | "negative"
  | "below_min"
  | "above_max"
  | "required"
  | "sum_mismatch"
  | "breakdown_missing"
  | "total_missing"
  | "lte"
  | "unknown_cell"
  | "too_many_decimals";

export interface Message {
  vi: string;
  en: string;
}

export interface CellError extends Message {
  cell: string;
  code: MessageCode;
}

type P = Record<string, string | number>;
const fmt = (v: unknown) => (typeof v === "number" ? new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 4 }).format(v) : String(v));
const fmtEn = (v: unknown) => (typeof v === "number" ? new Intl.NumberFormat("en-US", { maximumFractionDigits: 4 }).format(v) : String(v));

const catalogue: Record<MessageCode, (p: P) => Message> = {
  too_long: () => ({ vi: "Giá trị quá dài", en: "Value too long" }),
  not_a_number: () => ({ vi: "Không phải là số (chỉ nhập chữ số, dấu chấm phân nhóm nghìn, dấu phẩy thập phân, ví dụ 1.234,5)", en: "Not a number (digits only; '.' groups thousands, ',' marks decimals, e.g. 1.234,5)" }),
  bad_grouping: () => ({ vi: "Sai định dạng số: dấu chấm dùng để phân nhóm nghìn, phần thập phân dùng dấu phẩy (ví dụ 1.234,5)", en: "Bad number format: '.' groups thousands, decimals use ',' (e.g. 1.234,5)" }),
  too_large: () => ({ vi: "Số quá lớn", en: "Number too large" }),
  not_integer: () => ({ vi: "Chỉ tiêu này phải là số nguyên", en: "This indicator takes whole numbers only" }),
  too_many_decimals: () => ({ vi: "Tối đa 4 chữ số thập phân", en: "At most 4 decimal places" }),
  negative: () => ({ vi: "Không được nhập số âm", en: "Negative values are not allowed" }),
  below_min: (p) => ({ vi: `Giá trị phải từ ${fmt(p.min)} trở lên`, en: `Value must be at least ${fmtEn(p.min)}` }),
  above_max: (p) => ({ vi: `Giá trị không được vượt quá ${fmt(p.max)}`, en: `Value must not exceed ${fmtEn(p.max)}` }),
  required: () => ({ vi: "Bắt buộc nhập", en: "Required" }),
  sum_mismatch: (p) => ({
    vi: `Tổng các dân tộc (${fmt(p.sum)}) không bằng số tổng (${fmt(p.total)})`,
    en: `Sum over ethnic groups (${fmtEn(p.sum)}) does not equal the total (${fmtEn(p.total)})`,
  }),
  breakdown_missing: () => ({ vi: "Chưa nhập số liệu chia theo dân tộc", en: "The breakdown by ethnic group is missing" }),
  total_missing: () => ({ vi: "Đã nhập theo dân tộc nhưng chưa nhập số tổng", en: "Ethnic breakdown entered but the total is missing" }),
  lte: (p) => ({
    vi: `${p.leftVi} (${fmt(p.left)}) không được lớn hơn ${p.rightVi} (${fmt(p.right)})`,
    en: `${p.leftEn} (${fmtEn(p.left)}) must not exceed ${p.rightEn} (${fmtEn(p.right)})`,
  }),
  unknown_cell: () => ({ vi: "Ô không thuộc biểu mẫu", en: "Cell is not part of the form" }),
};

export function message(code: MessageCode, params: P = {}): Message {
  return catalogue[code](params);
}

export function cellError(cell: string, code: MessageCode, params: P = {}, override?: Partial<Message>): CellError {
  const m = message(code, params);
  return { cell, code, vi: override?.vi ?? m.vi, en: override?.en ?? m.en };
}
