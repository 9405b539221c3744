import { ScopeError } from "../scope/scope.ts";
import { NotFoundError } from "./submissions.server.ts";
import { WorkflowError } from "./state.ts";

/** Domain errors → the Response the error boundary renders (everything else propagates). */
export function toResponse(e: unknown): never {
  if (e instanceof Response) throw e;
  if (e instanceof NotFoundError) throw new Response(e.message, { status: 404 });
  if (e instanceof ScopeError) throw new Response(e.message, { status: 403 });
  if (e instanceof WorkflowError) throw new Response(e.refusal.vi, { status: e.refusal.httpStatus });
  throw e;
}

export function idParam(v: string | undefined): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0 || n > 2 ** 31) throw new Response("Not Found", { status: 404 });
  return n;
}

/** Refuse request bodies over `max` bytes before reading them. */
export function assertBodySize(request: Request, max: number): void {
  const len = Number(request.headers.get("content-length") ?? "0");
  if (len > max) throw new Response(`Tệp quá lớn (tối đa ${Math.round(max / 1024 / 1024)} MB) / payload too large`, { status: 413 });
}
