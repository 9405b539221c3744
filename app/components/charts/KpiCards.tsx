import type { DataTable } from "../../../dashboards/table.ts";
import { fmtNumber, type Lang } from "../../../dashboards/charts/format.ts";

/** Headline figures as cards: value, unit and the change from the previous period (▲/▼). */
export function KpiCards({ table, lang }: { table: DataTable; lang: Lang }) {
  return (
    <div className="kpi-cards">
      {table.rows.map((r, i) => {
        const change = typeof r.change === "number" ? r.change : null;
        const digits = r.unit === "%" ? 2 : 0;
        return (
          <div key={i} className="kpi">
            <div className="kpi-name">{r.name}</div>
            <div className="kpi-value">
              {fmtNumber(r.current as number | null, lang, digits)} <small>{r.unit}</small>
            </div>
            {change !== null ? (
              <div className={`kpi-change ${change > 0 ? "up" : change < 0 ? "down" : ""}`}>
                {change > 0 ? "▲" : change < 0 ? "▼" : "="} {fmtNumber(Math.abs(change), lang, digits)} {r.unit === "%" ? (lang === "en" ? "pts" : "điểm %") : ""}
              </div>
            ) : (
              <div className="kpi-change muted">
                {r.current === null ? (lang === "en" ? "no data" : "chưa có số liệu") : lang === "en" ? "no previous period" : "chưa có kỳ trước"}
              </div>
            )}
          </div>
        );
      })}
    </div>
  );
}
