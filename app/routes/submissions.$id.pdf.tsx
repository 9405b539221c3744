import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "../auth/guards.server.ts";
import { submissionView } from "../workflow/submission-view.server.ts";
import { idParam, toResponse } from "../workflow/http.server.ts";
import { submissionPdf } from "../print/submission-pdf.server.ts";

/** PDF of the paper form (unit, period, reference date, status, approval trail, signature and stamp space). */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireUser(args);
  const id = idParam(args.params.id);
  const view = await submissionView(auth.services.db, auth.scope, id).catch(toResponse);
  const pdf = await submissionPdf(view);
  const name = `${view.template.code}_${view.period.code}_${view.unit.code}.pdf`;
  return new Response(new Uint8Array(pdf), {
    headers: { "Content-Type": "application/pdf", "Content-Disposition": `attachment; filename="${name}"`, "Cache-Control": "private, no-store" },
  });
}
