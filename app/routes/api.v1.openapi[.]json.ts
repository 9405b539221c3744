import { openApiDocument } from "../api/openapi.ts";

/** GET /api/v1/openapi.json — public description of the API (no token needed). */
export function loader() {
  return new Response(JSON.stringify(openApiDocument(), null, 2), { headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=300" } });
}
