import type { TemplateDefinition } from "../../forms/template.ts";
import { cellKey, enteredSexes, hasEthnicGroups, type Sex } from "../../forms/cells.ts";
import { useTr } from "./tr.ts";
import { useT } from "../../i18n/use-t.ts";

/**
 * The form as a grid, straight from its template. Inputs are named
 * "c:<INDICATOR>:<ETH>:<SEX>" and take vi-VN text; errors show next to their
 * cell. Read-only mode (review, print, preview) shows formatted values.
 * By-ethnicity rows list the total first, then the groups passed in.
 */
export interface GridIndicator {
  name_vi: string;
  name_en: string;
  unit_vi?: string;
}

export interface EntryGridProps {
  definition: TemplateDefinition;
  indicators: Record<string, GridIndicator>;
  ethnicityNames: Record<string, string>;
  groups: string[];
  /** text shown in each cell (typed text on a refused save, vi-VN formatted values otherwise) */
  values: Record<string, string>;
  errors?: Record<string, string>;
  flags?: Record<string, string>;
  previous?: Record<string, string>;
  readOnly?: boolean;
}

const SEX_LABEL: Record<Sex, [string, string]> = { T: ["Tổng", "Total"], M: ["Nam", "Male"], F: ["Nữ", "Female"] };

export function EntryGrid(p: EntryGridProps) {
  const tr = useTr();
  const t = useT();
  return (
    <div className="entry-grid">
      {p.definition.sections.map((s) => (
        <section key={s.id} className="entry-section">
          <h2>{tr(s.title_vi, s.title_en)}</h2>
          {s.rows.map((row) => {
            const ind = p.indicators[row.indicator];
            const label = tr(row.label_vi ?? ind?.name_vi ?? row.indicator, row.label_en ?? ind?.name_en ?? row.indicator);
            const sexes = enteredSexes(row.breakdown);
            const showT = row.breakdown === "ethnicity_sex";
            const eths = hasEthnicGroups(row.breakdown) ? ["00", ...p.groups] : ["00"];
            return (
              <table key={row.indicator} className="entry-row" data-indicator={row.indicator} data-breakdown={row.breakdown}>
                <caption>
                  <strong>{label}</strong> {ind?.unit_vi ? <span className="muted">({ind.unit_vi})</span> : null}
                  {row.required ? <span className="req" title={t("forms.required")}> *</span> : null}
                  {row.note_vi ? <div className="muted small">{row.note_vi}</div> : null}
                </caption>
                <thead>
                  <tr>
                    {hasEthnicGroups(row.breakdown) ? <th>{t("forms.ethnicGroup")}</th> : <th></th>}
                    {sexes.map((sx) => <th key={sx} className="num">{tr(...SEX_LABEL[sx])}</th>)}
                    {showT ? <th className="num">{t("forms.total2")}</th> : null}
                    {p.previous ? <th className="num">{t("forms.previous")}</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {eths.map((eth) => (
                    <tr key={eth} className={eth === "00" ? "total-row" : undefined} data-eth={eth}>
                      <th scope="row">{eth === "00" ? (hasEthnicGroups(row.breakdown) ? t("forms.allGroups") : t("forms.value")) : p.ethnicityNames[eth] ?? eth}</th>
                      {sexes.map((sx) => <Cell key={sx} k={cellKey({ indicator: row.indicator, ethnicity: eth, sex: sx })} p={p} label={`${label} — ${eth === "00" ? t("forms.total") : p.ethnicityNames[eth] ?? eth} — ${tr(...SEX_LABEL[sx])}`} />)}
                      {showT ? <td className="num derived" data-derived={cellKey({ indicator: row.indicator, ethnicity: eth, sex: "T" })}>{p.values[cellKey({ indicator: row.indicator, ethnicity: eth, sex: "T" })] ?? ""}</td> : null}
                      {p.previous ? <td className="num muted">{sexes.map((sx) => p.previous![cellKey({ indicator: row.indicator, ethnicity: eth, sex: sx })] ?? "").join(" / ")}</td> : null}
                    </tr>
                  ))}
                  {hasEthnicGroups(row.breakdown) && !p.readOnly ? (
                    <tr className="sum-row muted">
                      <th scope="row">{t("forms.sumOfGroups")}</th>
                      {sexes.map((sx) => <td key={sx} className="num" data-sum={`${row.indicator}:${sx}`}></td>)}
                      {showT ? <td></td> : null}
                    </tr>
                  ) : null}
                </tbody>
              </table>
            );
          })}
        </section>
      ))}
    </div>
  );
}

function Cell({ k, p, label }: { k: string; p: EntryGridProps; label: string }) {
  const err = p.errors?.[k];
  const flag = p.flags?.[k];
  if (p.readOnly)
    return (
      <td className={`num${flag ? " flagged" : ""}`} data-cell={k} title={flag}>
        {p.values[k] ?? ""}
        {flag ? <div className="flag">⚑ {flag}</div> : null}
      </td>
    );
  const id = `c-${k.replace(/:/g, "-")}`;
  return (
    <td className="num">
      <input
        type="text"
        inputMode="decimal"
        id={id}
        name={`c:${k}`}
        defaultValue={p.values[k] ?? ""}
        aria-label={label}
        aria-invalid={err ? true : undefined}
        aria-describedby={err ? `${id}-err` : undefined}
        maxLength={40}
        autoComplete="off"
        className="cell-input"
      />
      {err ? <div className="field-error" id={`${id}-err`} role="alert">{err}</div> : null}
    </td>
  );
}
