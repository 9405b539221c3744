import { formatDateTime } from "../../i18n/format.ts";
import { useLang, useT } from "../../i18n/use-t.ts";
import { StatusBadge } from "./StatusBadge.tsx";
import { useTr } from "./tr.ts";

export interface TransitionView {
  from_status: string | null;
  to_status: string;
  actor_username: string | null;
  reason: string | null;
  at: string | Date;
}

/** The append-only history of a submission (who, when, from, to, reason). */
export function TransitionList({ transitions }: { transitions: TransitionView[] }) {
  const tr = useTr();
  const t = useT();
  const lang = useLang();
  return (
    <table className="transitions">
      <thead>
        <tr>
          <th>{t("forms.when")}</th>
          <th>{t("forms.by")}</th>
          <th>{t("forms.from")}</th>
          <th>{t("forms.to")}</th>
          <th>{t("forms.reason")}</th>
        </tr>
      </thead>
      <tbody>
        {transitions.map((x, i) => (
          <tr key={i}>
            <td>{formatDateTime(x.at, lang)}</td>
            <td><code>{x.actor_username}</code></td>
            <td>{x.from_status ? <StatusBadge status={x.from_status} /> : "—"}</td>
            <td><StatusBadge status={x.to_status} /></td>
            <td>{x.reason ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
