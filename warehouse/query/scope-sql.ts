import type { Scope } from "../../app/scope/scope.ts";

/**
 * The caller's scope as a DuckDB predicate over a unit path column and an
 * indicator domain column. One disjunct per grant:
 *   starts_with(path, ?) [and domain in (?, …)]
 * An empty grant list yields `false` (nothing visible). Bound parameters only.
 */
export function scopePredicate(scope: Scope, pathCol: string, domainCol: string): { sql: string; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  for (const g of scope.grants) {
    if (!g.pathPrefix) continue;
    let part = `starts_with(${pathCol}, ?)`;
    params.push(g.pathPrefix);
    if (g.domains !== null) {
      if (g.domains.length === 0) continue;
      part += ` and ${domainCol} in (${g.domains.map(() => "?").join(", ")})`;
      params.push(...g.domains);
    }
    parts.push(`(${part})`);
  }
  return { sql: parts.length ? `(${parts.join(" or ")})` : "false", params };
}

/** Placeholders "?, ?, ?" for a list. */
export const marks = (n: number) => Array.from({ length: n }, () => "?").join(", ");

/**
 * Integers the query layer inlines (ids from the warehouse's own dimensions and catalogue):
 * checked to be safe integers, so the SQL text can never carry anything else.
 */
export function intList(xs: readonly number[]): string {
  for (const x of xs) if (!Number.isSafeInteger(x)) throw new Error(`not an integer id: ${String(x).slice(0, 20)}`);
  return xs.join(", ");
}
