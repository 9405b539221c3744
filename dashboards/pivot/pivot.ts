import type { Dimension, IndicatorRow } from "../../warehouse/query/types.ts";
import type { Column, DataTable, Row } from "../table.ts";

/**
 * A pivot table over the query layer. Rows: up to three dimensions; columns:
 * the indicator, then up to two dimensions. Totals and subtotals are NOT
 * computed here: each level is asked of the query layer (grouped by the
 * prefix of the row dimensions), so ratios are recomputed from summed
 * numerators and denominators at every level, and '00'/'T' totals are used
 * where the data has them. This module only arranges the answers.
 */
export type PivotDim = "unit" | "ethnicity" | "period" | "year" | "sex";
export const PIVOT_DIMS: readonly PivotDim[] = ["unit", "ethnicity", "period", "year", "sex"];

export const DIM_LABELS: Record<PivotDim, string> = { unit: "Đơn vị", ethnicity: "Dân tộc", period: "Kỳ báo cáo", year: "Năm", sex: "Giới tính" };
const SEX: Record<string, string> = { T: "Chung", M: "Nam", F: "Nữ" };

export interface PivotSpec {
  rows: PivotDim[];
  cols: PivotDim[];
}

/** The group-by lists the layer must answer, keyed by "k|c" (k row dims, c = with column dims). */
export function pivotQueries(spec: PivotSpec): { key: string; groupBy: Dimension[] }[] {
  const out: { key: string; groupBy: Dimension[] }[] = [];
  for (let k = spec.rows.length; k >= 0; k--) {
    const prefix = spec.rows.slice(0, k);
    out.push({ key: `${k}|c`, groupBy: [...prefix, ...spec.cols] });
    if (spec.cols.length) out.push({ key: `${k}|t`, groupBy: [...prefix] });
  }
  return out;
}

interface Member {
  id: string;
  label: string;
  order: number;
}

function member(r: IndicatorRow, d: PivotDim): Member {
  switch (d) {
    case "unit":
      return { id: String(r.unitId), label: r.unitName ?? String(r.unitId), order: 0 };
    case "ethnicity":
      return { id: r.ethnicity ?? "", label: r.ethnicity === "00" ? "Tất cả dân tộc" : (r.ethnicityName ?? r.ethnicity ?? ""), order: 0 };
    case "period":
      return { id: r.period ?? "", label: r.periodLabel ?? r.period ?? "", order: 0 };
    case "year":
      return { id: String(r.year), label: String(r.year), order: 0 };
    case "sex":
      return { id: r.sex ?? "T", label: SEX[r.sex ?? "T"] ?? String(r.sex), order: 0 };
  }
}

/**
 * Drop '00' (all groups) / 'T' (both sexes) rows where the same indicator
 * also has the breakdown: the breakdown is shown, the total comes from the
 * level above. Indicators without a breakdown keep their total row.
 */
export function dropTotalsWhereBroken(rows: readonly IndicatorRow[], dims: readonly PivotDim[]): IndicatorRow[] {
  let out = [...rows];
  if (dims.includes("ethnicity")) {
    const broken = new Set(out.filter((r) => r.ethnicity && r.ethnicity !== "00").map((r) => r.indicator));
    out = out.filter((r) => !(r.ethnicity === "00" && broken.has(r.indicator)));
  }
  if (dims.includes("sex")) {
    const broken = new Set(out.filter((r) => r.sex && r.sex !== "T").map((r) => r.indicator));
    out = out.filter((r) => !(r.sex === "T" && broken.has(r.indicator)));
  }
  return out;
}

export interface PivotColumn {
  key: string;
  indicator: string;
  indicatorName: string;
  unit: string;
  labels: string[]; // labels of the column dimension members ([] = the indicator's total column)
  isTotal: boolean;
}

export interface PivotRow {
  kind: "cell" | "subtotal" | "total";
  level: number; // number of row dimensions this row is keyed by
  labels: string[]; // one per row dimension ("" beyond level)
  values: (number | null)[]; // one per column
}

export interface PivotResult {
  spec: PivotSpec;
  columns: PivotColumn[];
  rows: PivotRow[];
  cellCount: number;
}

const keyOf = (r: IndicatorRow, dims: readonly PivotDim[]) => dims.map((d) => member(r, d).id).join("\u0001");

export function buildPivot(spec: PivotSpec, answers: Record<string, readonly IndicatorRow[]>, indicatorOrder: readonly string[]): PivotResult {
  const R = spec.rows;
  const C = spec.cols;
  const all = R.length + C.length;
  const full = dropTotalsWhereBroken(answers[`${R.length}|c`] ?? [], [...R, ...C]);

  // columns: indicator × column members (first-seen order), then the indicator's total
  const indMeta = new Map<string, { name: string; unit: string }>();
  for (const r of full) indMeta.set(r.indicator, { name: r.indicatorName, unit: r.unitOfMeasure });
  for (const k of Object.keys(answers)) for (const r of answers[k]) if (!indMeta.has(r.indicator)) indMeta.set(r.indicator, { name: r.indicatorName, unit: r.unitOfMeasure });
  const inds = indicatorOrder.filter((c) => indMeta.has(c));
  const columns: PivotColumn[] = [];
  const colIndex = new Map<string, number>();
  for (const ind of inds) {
    const m = indMeta.get(ind)!;
    if (C.length) {
      const seen = new Map<string, string[]>();
      for (const r of full) if (r.indicator === ind) seen.set(keyOf(r, C), C.map((d) => member(r, d).label));
      for (const [k, labels] of seen) {
        colIndex.set(`${ind}\u0002${k}`, columns.length);
        columns.push({ key: `${ind}\u0002${k}`, indicator: ind, indicatorName: m.name, unit: m.unit, labels, isTotal: false });
      }
    }
    colIndex.set(`${ind}\u0002*`, columns.length);
    columns.push({ key: `${ind}\u0002*`, indicator: ind, indicatorName: m.name, unit: m.unit, labels: C.length ? ["Tổng"] : [], isTotal: C.length > 0 });
  }

  // values per level: level k → rowKey → column → value
  const levels: Map<string, (number | null)[]>[] = [];
  const labelsAt: Map<string, string[]>[] = [];
  for (let k = 0; k <= R.length; k++) {
    const m = new Map<string, (number | null)[]>();
    const lab = new Map<string, string[]>();
    const put = (r: IndicatorRow, colKey: string) => {
      const rk = keyOf(r, R.slice(0, k));
      const ci = colIndex.get(colKey);
      if (ci === undefined) return;
      let vals = m.get(rk);
      if (!vals) {
        vals = Array(columns.length).fill(null);
        m.set(rk, vals);
        lab.set(rk, R.slice(0, k).map((d) => member(r, d).label));
      }
      vals[ci] = r.value;
    };
    for (const r of dropTotalsWhereBroken(answers[`${k}|c`] ?? [], [...R.slice(0, k), ...C])) put(r, C.length ? `${r.indicator}\u0002${keyOf(r, C)}` : `${r.indicator}\u0002*`);
    if (C.length) for (const r of dropTotalsWhereBroken(answers[`${k}|t`] ?? [], R.slice(0, k))) put(r, `${r.indicator}\u0002*`);
    levels.push(m);
    labelsAt.push(lab);
  }

  // rows: depth-first over the full-level keys, subtotals after each group
  const rows: PivotRow[] = [];
  const leafKeys = [...levels[R.length].keys()];
  const pad = (l: string[]) => [...l, ...Array(R.length - l.length).fill("")];
  let prev: string[] = [];
  const closeGroups = (fromLevel: number) => {
    for (let k = prev.length - 1; k >= fromLevel && k >= 1; k--) {
      const pk = prev.slice(0, k).join("\u0001");
      const vals = levels[k].get(pk);
      if (vals && R.length > 1) rows.push({ kind: "subtotal", level: k, labels: pad([...labelsAt[k].get(pk)!.slice(0, k - 1), `Cộng ${labelsAt[k].get(pk)![k - 1]}`]), values: vals });
    }
  };
  if (R.length) {
    for (const lk of leafKeys) {
      const parts = lk.split("\u0001");
      let common = 0;
      while (common < prev.length && prev[common] === parts[common]) common++;
      closeGroups(common + 1);
      rows.push({ kind: "cell", level: R.length, labels: labelsAt[R.length].get(lk)!, values: levels[R.length].get(lk)! });
      prev = parts;
    }
    closeGroups(1);
  }
  const grand = levels[0].get("");
  if (grand) rows.push({ kind: "total", level: 0, labels: pad(R.length ? ["Tổng cộng"] : []), values: grand });
  void all;
  return { spec, columns, rows, cellCount: rows.length * columns.length };
}

/** The pivot as a flat typed table for downloads (subtotal rows included, labelled). */
export function pivotToTable(p: PivotResult, title?: string): DataTable {
  const dimCols: Column[] = p.spec.rows.map((d, i) => ({ key: `r${i}`, label: DIM_LABELS[d], type: "string" }));
  const valCols: Column[] = p.columns.map((c, i) => ({
    key: `c${i}`,
    label: [c.indicatorName, ...c.labels].join(" — "),
    unit: c.unit,
    type: "number",
    digits: 2,
  }));
  const kindCol: Column = { key: "kind", label: "Loại dòng", type: "string" };
  return {
    title,
    columns: [...dimCols, kindCol, ...valCols],
    rows: p.rows.map((r) => {
      const o: Row = { kind: r.kind === "cell" ? "Chi tiết" : r.kind === "subtotal" ? "Cộng nhóm" : "Tổng cộng" };
      r.labels.forEach((l, i) => (o[`r${i}`] = l || null));
      r.values.forEach((v, i) => (o[`c${i}`] = v));
      return o;
    }),
  };
}
