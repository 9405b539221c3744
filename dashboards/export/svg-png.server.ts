import { createRequire } from "node:module";
import { Resvg } from "@resvg/resvg-js";

/**
 * Server-rendered chart SVG → PNG, for the XLSX period report (Excel cannot
 * show SVG images everywhere; PNG opens in every spreadsheet program).
 * @resvg/resvg-js ships its native binary in a per-platform registry package
 * (no download, no install script). Fonts: only DejaVu Sans from the
 * dejavu-fonts-ttf package (full Vietnamese coverage), system fonts off, so
 * a chart rasterises the same on every machine.
 */
const require = createRequire(import.meta.url);
export const PNG_FONT_FILES = [
  require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf"),
  require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf"),
  require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Oblique.ttf"),
  require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-BoldOblique.ttf"),
];
const FAMILY = "DejaVu Sans";

export interface ChartPng {
  png: Buffer;
  width: number;
  height: number;
}

/**
 * Rasterise an SVG at `scale` × its own size (2 = sharp on high-DPI screens
 * and in print). Returns null when the SVG cannot be parsed or draws nothing,
 * so one bad chart never breaks the whole report (its table still goes in).
 */
export function svgToPng(svg: string, scale = 2): ChartPng | null {
  try {
    const r = new Resvg(svg, {
      fitTo: { mode: "zoom", value: scale },
      background: "#ffffff",
      font: {
        loadSystemFonts: false,
        fontFiles: PNG_FONT_FILES,
        defaultFontFamily: FAMILY,
        sansSerifFamily: FAMILY,
        serifFamily: FAMILY,
        monospaceFamily: FAMILY,
        cursiveFamily: FAMILY,
        fantasyFamily: FAMILY,
      },
      languages: ["vi", "en"],
      shapeRendering: 2,
      textRendering: 1,
    });
    const img = r.render();
    if (!img.width || !img.height) return null;
    return { png: img.asPng(), width: img.width, height: img.height };
  } catch {
    return null;
  }
}
