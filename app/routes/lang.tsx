import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";

/** Switch the interface language (vi default, en second); a preference cookie, not security-relevant. */
export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const lang = form.get("lang") === "en" ? "en" : "vi";
  const back = request.headers.get("referer");
  let to = "/";
  if (back) {
    const u = new URL(back);
    if (u.host === new URL(request.url).host) to = u.pathname + u.search;
  }
  return redirect(to, { headers: { "Set-Cookie": `lang=${lang}; Path=/; SameSite=Lax; Max-Age=31536000` } });
}

export async function loader() {
  return redirect("/");
}
