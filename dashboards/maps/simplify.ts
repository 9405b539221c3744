/**
 * Douglas–Peucker simplification of GeoJSON rings for display. The bundled
 * boundaries carry survey-grade detail (~1 m); a 500-pixel map of a province
 * needs ~50 m. Simplifying at load (the file itself stays unchanged) makes
 * server SVGs and the browser's map download several times smaller.
 */
type Pt = [number, number];

function perpDist(p: Pt, a: Pt, b: Pt): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  if (dx === 0 && dy === 0) return Math.hypot(p[0] - a[0], p[1] - a[1]);
  const t = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy);
  const tt = Math.max(0, Math.min(1, t));
  return Math.hypot(p[0] - (a[0] + tt * dx), p[1] - (a[1] + tt * dy));
}

export function simplifyLine(points: Pt[], tolerance: number): Pt[] {
  if (points.length <= 4) return points;
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack: [number, number][] = [[0, points.length - 1]];
  while (stack.length) {
    const [s, e] = stack.pop()!;
    let max = -1;
    let idx = -1;
    for (let i = s + 1; i < e; i++) {
      const d = perpDist(points[i], points[s], points[e]);
      if (d > max) {
        max = d;
        idx = i;
      }
    }
    if (max > tolerance && idx > 0) {
      keep[idx] = 1;
      stack.push([s, idx], [idx, e]);
    }
  }
  const out = points.filter((_, i) => keep[i]);
  return out.length >= 4 ? out : points; // a ring keeps at least a triangle + closing point
}

const round = (p: Pt): Pt => [Math.round(p[0] * 1e5) / 1e5, Math.round(p[1] * 1e5) / 1e5];

export function simplifyGeometry(g: { type: string; coordinates: unknown }, tolerance: number): { type: string; coordinates: unknown } {
  const ring = (r: Pt[]) => simplifyLine(r, tolerance).map(round);
  if (g.type === "Polygon") return { ...g, coordinates: (g.coordinates as Pt[][]).map(ring) };
  if (g.type === "MultiPolygon") return { ...g, coordinates: (g.coordinates as Pt[][][]).map((poly) => poly.map(ring)) };
  return g;
}
