/** A small levelled logger to stderr with timestamps (no dependency). */
export type Level = "debug" | "info" | "warn" | "error" | "silent";
export interface Logger {
  debug(m: string): void;
  info(m: string): void;
  warn(m: string): void;
  error(m: string): void;
}
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export function createLogger(level: Level = "info"): Logger {
  const at = order[level];
  const out = (l: Exclude<Level, "silent">) => (m: string) => {
    if (order[l] >= at) process.stderr.write(`${new Date().toISOString()} ${l.toUpperCase().padEnd(5)} ${m}\n`);
  };
  return { debug: out("debug"), info: out("info"), warn: out("warn"), error: out("error") };
}
