import type { Column } from "../table.ts";

/**
 * Column names for typed formats (Parquet, Arrow): the Vietnamese label,
 * made unique; analysts' tools read Unicode names fine.
 */
export function typedColumnNames(cols: readonly Column[]): string[] {
  const used = new Set<string>();
  return cols.map((c) => {
    let n = (c.unit ? `${c.label} (${c.unit})` : c.label).trim() || c.key;
    if (used.has(n)) n = `${n} [${c.key}]`;
    used.add(n);
    return n;
  });
}
