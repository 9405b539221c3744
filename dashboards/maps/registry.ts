/**
 * The maps dashboards may draw. Names are what chart specs refer to
 * (`map: "cao_bang_districts"`); features carry the GSO code in `code`.
 */
export const MAPS = {
  cao_bang_districts: { file: "cao_bang_districts.geojson", featureCode: "code", level: "district" },
} as const;

export type MapName = keyof typeof MAPS;

export interface GeoJson {
  type: "FeatureCollection";
  features: { type: "Feature"; properties: { code: string; name: string }; geometry: unknown }[];
}
