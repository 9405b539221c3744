import { describe, expect, it } from "vitest";
import { parseCsv, parseCsvObjects, toCsv } from "../../app/lib/csv.ts";

describe("csv", () => {
  it("parses quoted fields, doubled quotes, CRLF and a BOM", () => {
    expect(parseCsv('\ufeffa,b\r\n"x, y","say ""hi"""\n')).toEqual([["a", "b"], ["x, y", 'say "hi"']]);
  });
  it("round-trips Vietnamese text with a BOM", () => {
    const text = toCsv(["Đơn vị", "Giá trị"], [["Xã Nam Tuấn", 1234.5]]);
    expect(text.startsWith("\ufeff")).toBe(true);
    expect(parseCsvObjects(text)).toEqual([{ "Đơn vị": "Xã Nam Tuấn", "Giá trị": "1234.5" }]);
  });
  it("refuses an unterminated quote", () => {
    expect(() => parseCsv('a,"b')).toThrow(/unterminated/);
  });
});
