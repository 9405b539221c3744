import { useEffect } from "react";
import { parseViNumber, formatViNumber } from "../../forms/number.ts";

/**
 * Progressive enhancement of the entry form (the form works without it):
 *  - live sums of the ethnic groups next to each total, and T = M + F;
 *  - every keystroke kept in localStorage under the submission id and
 *    version, restored when the page is opened again (e.g. after the session
 *    expired mid-entry and the user signed in again); cleared once saved.
 */
export function useEntryEnhancements(opts: { formId: string; submissionId: number; version: number; saved: boolean; onRestored?: (n: number) => void }) {
  const { formId, submissionId, version, saved, onRestored } = opts;
  useEffect(() => {
    const form = document.getElementById(formId) as HTMLFormElement | null;
    if (!form) return;
    const key = `csdl:entry:${submissionId}`;
    const inputs = () => Array.from(form.querySelectorAll<HTMLInputElement>("input.cell-input"));
    const num = (s: string) => {
      const p = parseViNumber(s);
      return p.ok ? p.value : NaN;
    };
    const recompute = () => {
      const byName = new Map(inputs().map((i) => [i.name.slice(2), i]));
      form.querySelectorAll<HTMLElement>("[data-derived]").forEach((td) => {
        const [ind, eth] = td.dataset.derived!.split(":");
        const m = num(byName.get(`${ind}:${eth}:M`)?.value ?? "");
        const f = num(byName.get(`${ind}:${eth}:F`)?.value ?? "");
        td.textContent = m === null && f === null ? "" : Number.isNaN(m as number) || Number.isNaN(f as number) ? "?" : formatViNumber((m ?? 0) + (f ?? 0));
      });
      form.querySelectorAll<HTMLElement>("[data-sum]").forEach((td) => {
        const [ind, sex] = td.dataset.sum!.split(":");
        let sum = 0;
        let any = false;
        let bad = false;
        for (const [name, input] of byName) {
          const [i, e, s] = name.split(":");
          if (i !== ind || s !== sex || e === "00") continue;
          const v = num(input.value);
          if (v === null) continue;
          if (Number.isNaN(v)) bad = true;
          else {
            sum += v;
            any = true;
          }
        }
        const total = num(byName.get(`${ind}:00:${sex}`)?.value ?? "");
        td.textContent = bad ? "?" : any ? formatViNumber(sum) : "";
        const mismatch = any && !bad && total !== null && !Number.isNaN(total) && Math.abs(total - sum) > 1e-6;
        td.classList.toggle("mismatch", mismatch);
        td.title = mismatch ? "Tổng các dân tộc khác số tổng / sum differs from the total" : "";
      });
    };
    if (saved) localStorage.removeItem(key);
    else {
      try {
        const stored = JSON.parse(localStorage.getItem(key) ?? "null") as { version: number; values: Record<string, string> } | null;
        if (stored && stored.version === version) {
          // groups typed into before (added rows) that this page does not show yet: reload with them
          const shown = new Set(inputs().map((i) => i.name));
          const missing = new Set(Object.keys(stored.values).filter((k) => !shown.has(k)).map((k) => k.split(":")[2]).filter((g) => /^\d{2}$/.test(g) && g !== "00"));
          const url = new URL(window.location.href);
          const asked = new Set((url.searchParams.get("groups") ?? "").split(",").filter(Boolean));
          if ([...missing].some((g) => !asked.has(g))) {
            url.searchParams.set("groups", [...new Set([...asked, ...missing])].join(","));
            window.location.replace(url.toString());
            return;
          }
          let n = 0;
          for (const i of inputs()) {
            const v = stored.values[i.name];
            if (v !== undefined && v !== i.value) {
              i.value = v;
              n++;
            }
          }
          if (n) onRestored?.(n);
        } else if (stored) localStorage.removeItem(key); // typed on an older version of the form: stale
      } catch {
        localStorage.removeItem(key);
      }
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const keep = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const values: Record<string, string> = {};
        for (const i of inputs()) if (i.value !== i.defaultValue) values[i.name] = i.value;
        try {
          if (Object.keys(values).length) localStorage.setItem(key, JSON.stringify({ version, values, at: Date.now() }));
          else localStorage.removeItem(key);
        } catch {
          /* storage full or disabled: the form still posts */
        }
      }, 200);
    };
    const onInput = () => {
      recompute();
      keep();
    };
    // typed "1234567" reads back as "1.234.567" when leaving the cell
    const onBlur = (e: FocusEvent) => {
      const i = e.target as HTMLInputElement;
      if (!i.classList?.contains("cell-input")) return;
      const p = parseViNumber(i.value);
      if (p.ok && p.value !== null) {
        const f = formatViNumber(p.value);
        if (f !== i.value) {
          i.value = f;
          onInput();
        }
      }
    };
    form.addEventListener("input", onInput);
    form.addEventListener("focusout", onBlur);
    // values typed before the script took over count too: total them and keep them
    recompute();
    if (!saved && inputs().some((i) => i.value !== i.defaultValue)) keep();
    form.dataset.enhanced = "1";
    return () => {
      delete form.dataset.enhanced;
      form.removeEventListener("input", onInput);
      form.removeEventListener("focusout", onBlur);
      clearTimeout(timer);
    };
  }, [formId, submissionId, version, saved, onRestored]);
}

/** Forget unsaved keystrokes of a submission (after it was submitted). */
export function useForgetEntry(submissionId: number, when: boolean) {
  useEffect(() => {
    if (when) localStorage.removeItem(`csdl:entry:${submissionId}`);
  }, [submissionId, when]);
}
