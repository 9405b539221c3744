import { commonPasswords } from "./common-passwords.ts";

/**
 * Password rules of the province's regulation (QĐ 09/2022 art. 5) and ASVS:
 * at least 8 characters with upper, lower, digit and special; not the
 * username, not the default password, not one of the commonest leaked ones.
 * Returns the list of broken rules as message keys (empty = acceptable).
 */
export type PasswordProblem =
  | "too_short"
  | "too_long"
  | "no_upper"
  | "no_lower"
  | "no_digit"
  | "no_special"
  | "contains_username"
  | "is_default"
  | "too_common"
  | "same_as_current";

export function checkPassword(
  password: string,
  ctx: { username: string; defaultPassword: string },
): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if (password.length < 8) problems.push("too_short");
  if (password.length > 128) problems.push("too_long");
  if (!/\p{Lu}/u.test(password)) problems.push("no_upper");
  if (!/\p{Ll}/u.test(password)) problems.push("no_lower");
  if (!/\p{Nd}/u.test(password)) problems.push("no_digit");
  if (!/[^\p{L}\p{Nd}]/u.test(password)) problems.push("no_special");
  const lower = password.toLowerCase();
  const user = ctx.username.toLowerCase();
  const userParts = [user, ...user.split(/[.\-_@]/)].filter((p) => p.length >= 4);
  if (userParts.some((p) => lower.includes(p))) problems.push("contains_username");
  if (password === ctx.defaultPassword) problems.push("is_default");
  if (commonPasswords.has(lower) || commonPasswords.has(lower.replace(/[^a-z0-9]/g, ""))) problems.push("too_common");
  return problems;
}
