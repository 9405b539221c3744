/** Typed ETL errors: the CLI prints their message and exits non-zero. */
export class EtlError extends Error {
  override name = "EtlError";
}

/** Another run holds the lock (the second run exits or waits; it never overlaps). */
export class EtlBusyError extends EtlError {
  override name = "EtlBusyError";
}

/** A data-quality check returned failing rows: the run is rolled back. */
export class CheckFailedError extends EtlError {
  override name = "CheckFailedError";
  constructor(
    public readonly failed: { name: string; rows: number; sample: Record<string, unknown>[] }[],
  ) {
    super(`Kiểm tra chất lượng dữ liệu không đạt / data-quality checks failed: ${failed.map((f) => `${f.name} (${f.rows})`).join(", ")}`);
  }
}

/** Injected failure (tests of crash safety). */
export class InjectedFailure extends EtlError {
  override name = "InjectedFailure";
}
