import { z } from "zod";

/** manifest.json of a backup: what it holds and how to check it. */
export const MANIFEST_FORMAT = "csdl-backup/1";

export const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  name: z.string(),
  createdAt: z.string(),
  finishedAt: z.string(),
  schemaVersion: z.string(),
  /** Every applied migration (a later-numbered one may have run before an earlier one was added). */
  migrations: z.array(z.string()),
  postgresVersion: z.string(),
  snapshot: z.object({ isolation: z.literal("repeatable read"), txid: z.string() }),
  tables: z.array(
    z.object({
      name: z.string(),
      file: z.string(),
      columns: z.array(z.string()),
      orderBy: z.array(z.string()),
      rows: z.number().int().nonnegative(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      bytes: z.number().int().nonnegative(),
      compressedBytes: z.number().int().nonnegative(),
    }),
  ),
  sequences: z.array(z.object({ name: z.string(), lastValue: z.number(), isCalled: z.boolean() })),
  auditHead: z.object({ id: z.number(), hash: z.string() }).nullable(),
  excluded: z.record(z.string(), z.string()),
  totals: z.object({ rows: z.number(), bytes: z.number(), compressedBytes: z.number() }),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestTable = Manifest["tables"][number];

export class BackupError extends Error {
  override name = "BackupError";
}
