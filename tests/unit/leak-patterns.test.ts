import { describe, expect, it } from "vitest";
import { LEAK_PATTERNS } from "../../app/security/error-handler.server.ts";

const leaks = (s: string) => LEAK_PATTERNS.some((p) => p.test(s));

describe("LEAK_PATTERNS (what no response may show)", () => {
  it("catch driver and stack text", () => {
    for (const s of [
      "KnexTimeoutError: Knex: Timeout acquiring a connection",
      "    at Client_PG.query (/app/node_modules/knex/lib/client.js:12:3)",
      "PostgresError: duplicate key",
      "insert into submissions (id) values (1)",
      'error: relation "units" does not exist',
    ])
      expect(leaks(s), s).toBe(true);
  });

  it("leave random nonces and tokens alone (a fuzz run once failed on nonce=\"kYcSH/V72KNEXxBr/gKkQw==\")", () => {
    for (const s of ['<script nonce="kYcSH/V72KNEXxBr/gKkQw==">', '<input type="hidden" name="_csrf" value="aPgProtocolX9knexQ">']) expect(leaks(s), s).toBe(false);
  });
});
