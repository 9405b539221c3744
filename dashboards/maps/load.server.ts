import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as echarts from "echarts";
import { MAPS, type GeoJson, type MapName } from "./registry.ts";
import { simplifyGeometry } from "./simplify.ts";

/** Display tolerance in degrees (~50 m at Cao Bằng's latitude). */
const TOLERANCE = 0.0005;

/**
 * Load a map's GeoJSON from dashboards/maps (beside this file under tsx and
 * vitest; from the working directory in the bundled server) and register it
 * with ECharts once per process — offline, no tile server. Geometry is
 * simplified for display at load (simplify.ts); the file is not changed.
 */
const loaded = new Map<MapName, GeoJson | null>();

function candidates(file: string): string[] {
  const here = (() => {
    try {
      return path.dirname(fileURLToPath(import.meta.url));
    } catch {
      return null;
    }
  })();
  return [here && path.join(here, file), path.resolve("dashboards/maps", file)].filter((p): p is string => !!p);
}

export function loadMap(name: MapName): GeoJson | null {
  if (loaded.has(name)) return loaded.get(name)!;
  const found = candidates(MAPS[name].file).find((p) => fs.existsSync(p));
  const raw = found ? (JSON.parse(fs.readFileSync(found, "utf8")) as GeoJson) : null;
  const geo = raw && { ...raw, features: raw.features.map((f) => ({ ...f, geometry: simplifyGeometry(f.geometry as { type: string; coordinates: unknown }, TOLERANCE) })) };
  loaded.set(name, geo);
  return geo;
}

/** Register the map with echarts (idempotent). False when the file is absent. */
export function ensureMapRegistered(name: MapName): boolean {
  const geo = loadMap(name);
  if (!geo) return false;
  if (!echarts.getMap(name)) echarts.registerMap(name, geo as never);
  return true;
}

/** GSO codes the map can draw (to warn about units without a feature). */
export function mapCodes(name: MapName): Set<string> {
  return new Set((loadMap(name)?.features ?? []).map((f) => f.properties.code));
}
