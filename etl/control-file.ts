import { randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * How the CLI finds a running server that holds the warehouse: the server
 * writes <DATA_DIR>/etl-control.json (mode 0600) at start — its admin URL
 * (loopback), a fresh random secret and its pid — and removes it at stop.
 */
export interface ControlInfo {
  url: string;
  secret: string;
  pid: number;
}

export const controlFilePath = (dataDir: string) => path.join(dataDir, "etl-control.json");

export function writeControlFile(dataDir: string, url: string): ControlInfo {
  mkdirSync(dataDir, { recursive: true });
  const info: ControlInfo = { url, secret: randomBytes(32).toString("base64url"), pid: process.pid };
  writeFileSync(controlFilePath(dataDir), JSON.stringify(info), { mode: 0o600 });
  return info;
}

export function readControlFile(dataDir: string): ControlInfo | null {
  try {
    const info = JSON.parse(readFileSync(controlFilePath(dataDir), "utf8")) as ControlInfo;
    if (typeof info.url !== "string" || typeof info.secret !== "string" || typeof info.pid !== "number") return null;
    return info;
  } catch {
    return null;
  }
}

export function removeControlFile(dataDir: string, secret: string): void {
  const cur = readControlFile(dataDir);
  if (cur && cur.secret === secret) rmSync(controlFilePath(dataDir), { force: true });
}

export function secretMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
