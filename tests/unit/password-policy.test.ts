import { describe, expect, it } from "vitest";
import { checkPassword } from "../../app/auth/password-policy.ts";

const ctx = { username: "huyenhoaan.xanamtuan", defaultPassword: "@Bcd1234" };

describe("password policy (QĐ 09/2022, ASVS)", () => {
  it("accepts a strong password", () => {
    expect(checkPassword("Hoa-Sen#2026x", ctx)).toEqual([]);
    expect(checkPassword("Đồng-Văn#9x", ctx)).toEqual([]); // Vietnamese letters count as letters
  });
  it.each([
    ["Ab1!", "too_short"],
    ["abcdefg1!", "no_upper"],
    ["ABCDEFG1!", "no_lower"],
    ["Abcdefgh!", "no_digit"],
    ["Abcdefgh1", "no_special"],
    ["Xanamtuan#2026", "contains_username"],
    ["@Bcd1234", "is_default"],
    ["P@ssw0rd", "too_common"],
    ["Abcd@1234", "too_common"],
  ])("refuses %s (%s)", (pw, problem) => {
    expect(checkPassword(pw, ctx)).toContain(problem);
  });
  it("refuses over-long input", () => {
    expect(checkPassword("Aa1!".repeat(40), ctx)).toContain("too_long");
  });
});
