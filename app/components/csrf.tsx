import { useRouteLoaderData } from "@remix-run/react";

/** Hidden CSRF field for every state-changing <Form method="post">. */
export function CsrfField() {
  const data = useRouteLoaderData("root") as { csrf?: string } | undefined;
  return <input type="hidden" name="_csrf" value={data?.csrf ?? ""} />;
}

export function useCsrfToken(): string {
  const data = useRouteLoaderData("root") as { csrf?: string } | undefined;
  return data?.csrf ?? "";
}
