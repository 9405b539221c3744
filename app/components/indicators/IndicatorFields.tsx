import type { ReactNode } from "react";
import { useT } from "../../i18n/use-t.ts";

/**
 * The inputs of one indicator, shared by the create form and the edit page.
 * Each input shows what was typed (`values`) and its error beside it; a
 * locked field is disabled (not sent) and says why.
 */
type Values = Record<string, string | undefined>;

interface Props {
  values: Values;
  errors: Record<string, string | undefined>;
  locked?: Record<string, string | undefined>;
  domains: string[];
  sumIndicators: { code: string; name_vi: string }[];
}

export function IndicatorFields({ values, errors, locked = {}, domains, sumIndicators }: Props) {
  const t = useT();
  const field = (name: string, label: string, input: (common: { id: string; name: string; disabled: boolean; "aria-invalid": boolean; "aria-describedby"?: string }) => ReactNode) => {
    const err = errors[name];
    const lock = locked[name];
    return (
      <div className="ind-field" key={name}>
        <label htmlFor={`ind-${name}`}>{label}</label>
        {input({ id: `ind-${name}`, name, disabled: !!lock, "aria-invalid": !!err, "aria-describedby": err ? `ind-${name}-err` : undefined })}
        {err ? <p className="field-error" id={`ind-${name}-err`} role="alert">{err}</p> : null}
        {lock && !err ? <p className="muted small">{lock}</p> : null}
      </div>
    );
  };
  const text = (name: string, label: string, extra: Record<string, unknown> = {}) =>
    field(name, label, (c) => <input type="text" {...c} defaultValue={values[name] ?? ""} {...extra} />);
  const select = (name: string, label: string, options: [string, string][]) =>
    field(name, label, (c) => (
      <select {...c} defaultValue={values[name] ?? ""}>
        <option value="">—</option>
        {options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </select>
    ));
  const sums: [string, string][] = sumIndicators.map((s) => [s.code, `${s.code} — ${s.name_vi}`]);
  return (
    <>
      {text("code", t("ind.code"), { maxLength: 40, pattern: "[A-Z0-9_]{2,40}", placeholder: "HH_INTERNET", autoCapitalize: "characters" })}
      {text("name_vi", t("ind.nameVi"), { maxLength: 300 })}
      {text("name_en", t("ind.nameEn"), { maxLength: 300 })}
      {select("domain", t("ind.domain"), domains.map((d) => [d, t(`ind.domain.${d}`) === `ind.domain.${d}` ? d : t(`ind.domain.${d}`)]))}
      {text("unit_vi", t("ind.unitVi"), { maxLength: 60, placeholder: "Hộ" })}
      {text("unit_en", t("ind.unitEn"), { maxLength: 60, placeholder: "households" })}
      {select("value_type", t("ind.valueType"), [["integer", t("ind.valueType.integer")], ["decimal", t("ind.valueType.decimal")]])}
      {select("disaggregation", t("ind.disaggregation"), [["none", t("ind.disagg.none")], ["ethnicity", t("ind.disagg.ethnicity")], ["ethnicity_sex", t("ind.disagg.ethnicity_sex")]])}
      {select("aggregation", t("ind.aggregation"), [["sum", t("ind.agg.sum")], ["ratio", t("ind.agg.ratio")]])}
      <fieldset className="ind-ratio">
        <legend>{t("ind.ratioOnly")}</legend>
        {select("numerator_code", t("ind.numerator"), sums)}
        {select("denominator_code", t("ind.denominator"), sums)}
        {text("ratio_scale", t("ind.ratioScale"), { inputMode: "decimal", placeholder: "100" })}
      </fieldset>
      <fieldset>
        <legend>{t("ind.limits")}</legend>
        {text("min_value", t("ind.min"), { inputMode: "decimal" })}
        {text("max_value", t("ind.max"), { inputMode: "decimal" })}
        {text("plausible_min", t("ind.plausibleMin"), { inputMode: "decimal" })}
        {text("plausible_max", t("ind.plausibleMax"), { inputMode: "decimal" })}
      </fieldset>
      {text("source", t("ind.source"), { maxLength: 500, placeholder: "TT 03/2019/TT-UBDT" })}
      {field("description", t("ind.description"), (c) => <textarea {...c} rows={2} maxLength={2000} defaultValue={values.description ?? ""} />)}
    </>
  );
}
