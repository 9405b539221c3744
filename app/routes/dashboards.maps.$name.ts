import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "../auth/guards.server.ts";
import { loadMap } from "../../dashboards/maps/load.server.ts";
import { MAPS, type MapName } from "../../dashboards/maps/registry.ts";

/** GeoJSON for the browser's map charts (the same file the server renders from). */
export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args);
  const name = args.params.name ?? "";
  if (!(name in MAPS)) throw new Response("Not Found", { status: 404 });
  const geo = loadMap(name as MapName);
  if (!geo) throw new Response("Bản đồ không có trong bản cài đặt này / map not installed", { status: 404 });
  return new Response(JSON.stringify(geo), { headers: { "Content-Type": "application/geo+json; charset=utf-8", "Cache-Control": "private, max-age=3600" } });
}
