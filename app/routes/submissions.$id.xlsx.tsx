import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "../auth/guards.server.ts";
import { idParam, toResponse } from "../workflow/http.server.ts";
import { downloadXlsx } from "../forms/bulk.server.ts";

/** The form as an Excel workbook pre-filled with the unit's current values. */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireUser(args);
  const id = idParam(args.params.id);
  const f = await downloadXlsx(auth.services.db, auth.scope, id).catch(toResponse);
  return new Response(new Uint8Array(f.body), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="${f.filename}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
