import fs from "node:fs/promises";
import path from "node:path";
import { manifestSchema, BackupError, type Manifest } from "./manifest.ts";

/** The backups folder: one sub-folder per complete backup, newest first. */
export interface BackupEntry {
  name: string;
  path: string;
  createdAt: string;
}

export async function listBackups(dir: string): Promise<BackupEntry[]> {
  const root = path.resolve(dir);
  const entries = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
  const out: BackupEntry[] = [];
  for (const e of entries) {
    if (!e.isDirectory() || e.name.endsWith(".partial")) continue;
    const m = await readManifest(path.join(root, e.name)).catch(() => null);
    if (m) out.push({ name: e.name, path: path.join(root, e.name), createdAt: m.createdAt });
  }
  return out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : b.name.localeCompare(a.name)));
}

export async function readManifest(backupPath: string): Promise<Manifest> {
  const text = await fs.readFile(path.join(backupPath, "manifest.json"), "utf8").catch(() => {
    throw new BackupError(`Không tìm thấy manifest.json trong ${backupPath}`);
  });
  const parsed = manifestSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new BackupError(`manifest.json không hợp lệ: ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")}`);
  return parsed.data;
}

/** A name inside the folder, or a path: resolved without letting a name escape the folder. */
export async function resolveBackup(dir: string, nameOrPath: string): Promise<string> {
  const direct = path.resolve(nameOrPath);
  if (await fs.stat(path.join(direct, "manifest.json")).then(() => true, () => false)) return direct;
  if (!/^[A-Za-z0-9._-]+$/.test(nameOrPath) || nameOrPath.includes("..")) throw new BackupError(`Tên bản sao lưu không hợp lệ: ${nameOrPath}`);
  const inDir = path.join(path.resolve(dir), nameOrPath);
  if (await fs.stat(path.join(inDir, "manifest.json")).then(() => true, () => false)) return inDir;
  throw new BackupError(`Không tìm thấy bản sao lưu: ${nameOrPath}`);
}
