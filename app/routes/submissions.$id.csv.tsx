import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "../auth/guards.server.ts";
import { idParam, toResponse } from "../workflow/http.server.ts";
import { downloadCsv } from "../forms/bulk.server.ts";

/** The form's cells as CSV (UTF-8 with BOM, vi-VN numbers). */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireUser(args);
  const id = idParam(args.params.id);
  const f = await downloadCsv(auth.services.db, auth.scope, id).catch(toResponse);
  return new Response(f.body, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${f.filename}"`, "Cache-Control": "private, no-store" },
  });
}
