import type { DataTable } from "../../../dashboards/table.ts";
import { fmtNumber, type Lang } from "../../../dashboards/charts/format.ts";

/**
 * The numbers behind a chart as an HTML table (screen readers, and officials
 * who copy figures into their reports). Numbers are right-aligned, vi-VN.
 */
export function DataTableView({ table, lang, caption, maxRows = 500 }: { table: DataTable; lang: Lang; caption?: string; maxRows?: number }) {
  const rows = table.rows.slice(0, maxRows);
  return (
    <div className="table-scroll">
      <table className="data-table">
        {caption ? <caption>{caption}</caption> : null}
        <thead>
          <tr>
            {table.columns.map((c) => (
              <th key={c.key} scope="col" className={c.type === "string" || c.type === "date" ? undefined : "num"}>
                {c.label}
                {c.unit ? ` (${c.unit})` : ""}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              {table.columns.map((c, j) => {
                const v = r[c.key];
                const text = typeof v === "number" ? fmtNumber(v, lang, c.type === "integer" ? 0 : (c.digits ?? 2)) : (v ?? "–");
                return j === 0 ? (
                  <th key={c.key} scope="row">{text}</th>
                ) : (
                  <td key={c.key} className={typeof v === "number" || v === null ? "num" : undefined}>{text}</td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {table.rows.length > maxRows ? <p className="muted">Hiển thị {maxRows} / {table.rows.length} dòng — tải xuống để xem đủ.</p> : null}
    </div>
  );
}
