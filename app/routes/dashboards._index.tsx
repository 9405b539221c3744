import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "../auth/guards.server.ts";
import { DASHBOARDS, defaultDashboardFor } from "../../dashboards/registry.ts";
import { useT } from "../i18n/use-t.ts";

export const meta: MetaFunction = () => [{ title: "Bảng điều khiển · CSDL Dân tộc" }];

/** The dashboards, the user's tier's own first. */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireRole(args, ["viewer", "analyst", "admin"]);
  const first = defaultDashboardFor(auth.user.tier).id;
  const list = DASHBOARDS.filter((d) => d.tiers.includes(auth.user.tier)).map((d) => ({ id: d.id, title: d.title, description: d.description ?? "" }));
  list.sort((a, b) => (a.id === first ? -1 : b.id === first ? 1 : 0));
  return json({ list });
}

export default function DashboardsIndex() {
  const { list } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <h1>{t("dash.title")}</h1>
      <div className="cards">
        {list.map((d) => (
          <Link key={d.id} to={`/dashboards/${d.id}`} className="card">
            <h3>{d.title}</h3>
            <p>{d.description}</p>
          </Link>
        ))}
      </div>
    </>
  );
}
