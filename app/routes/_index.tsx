import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "../auth/guards.server.ts";
import { useT } from "../i18n/use-t.ts";
import type { AppLoadContext } from "../platform/services.ts";

export const meta: MetaFunction = () => [{ title: "Trang chủ · CSDL Dân tộc" }];

/** Home per role: what this user can do, with live counts for their own work. */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireUser(args);
  const { db } = auth.services;
  const listener = (args.context as unknown as AppLoadContext).listener;
  const roles = auth.user.roles;
  const counts: Record<string, number> = {};
  if (roles.includes("submitter")) {
    const r = await db("submissions as s").join("periods as p", "p.id", "s.period_id")
      .where("s.unit_id", auth.user.unitId).where("p.status", "open").whereIn("s.status", ["draft", "returned"]).count({ n: "*" });
    counts.forms = Number(r[0].n);
    const returned = await db("submissions").where({ unit_id: auth.user.unitId, status: "returned" }).count({ n: "*" });
    counts.returned = Number(returned[0].n);
  }
  if (roles.includes("approver")) {
    const r = await db("submissions").where({ approver_unit_id: auth.user.unitId, status: "submitted" }).count({ n: "*" });
    counts.approvals = Number(r[0].n);
  }
  const demo = await db("submissions").where({ is_demo: true }).first("id");
  const sectorGrant = auth.scope.grants.find((g) => g.domains);
  return json({
    listener,
    unitName: auth.user.unitName,
    tier: auth.user.tier,
    roles,
    sectorDomains: sectorGrant?.domains ?? [],
    counts,
    hasDemo: !!demo,
  });
}

export default function Home() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const tasks: { to: string; key: string; role: string; count?: number; external?: boolean }[] = [
    { to: "/forms", key: "home.task.forms", role: "submitter", count: d.counts.forms },
    { to: "/approvals", key: "home.task.approvals", role: "approver", count: d.counts.approvals },
    { to: "/completeness", key: "home.task.completeness", role: "approver" },
    { to: "/dashboards", key: "home.task.dashboards", role: "viewer" },
    { to: "/analysis", key: "home.task.analysis", role: "analyst" },
    { to: "/admin", key: "home.task.admin", role: "admin" },
  ];
  return (
    <>
      <h1>{t("home.welcome", { unit: d.unitName })}</h1>
      {d.hasDemo ? <p className="alert alert-warn"><span className="badge badge-demo">{t("common.demo")}</span> {t("common.demoNote")}</p> : null}
      {d.counts.returned ? <p className="alert alert-error">{`Có ${d.counts.returned} báo cáo bị trả lại, cần chỉnh sửa và gửi lại.`} <Link to="/forms">{t("nav.forms")}</Link></p> : null}
      <div className="panel">
        <p>
          <strong>{t("home.roles")}:</strong> {d.roles.map((r) => t(`role.${r}`)).join(", ")} · {t(`tier.${d.tier}`)}
        </p>
        <p>
          <strong>{t("home.scope")}:</strong> {d.tier === "commune" || d.tier === "department" ? d.unitName : t("scope.subtree", { unit: d.unitName })}
          {d.sectorDomains.length ? `; ${t("scope.sector", { domains: d.sectorDomains.map((x) => t(`domain.${x}`)).join(", ") })}` : ""}
        </p>
      </div>
      <h2>{t("home.can")}</h2>
      <div className="cards">
        {tasks
          .filter((task) => d.roles.includes(task.role as never))
          .filter((task) => (task.to === "/admin" ? d.listener === "admin" || true : d.listener === "public"))
          .map((task) =>
            task.to === "/admin" && d.listener !== "admin" ? (
              <div key={task.to} className="card">
                <h3>{t("nav.admin")}</h3>
                <p>{t(task.key)}</p>
              </div>
            ) : (
              <Link key={task.to} to={task.to} className="card">
                <h3>
                  {t(task.key)}
                  {task.count ? <span className="badge badge-warn" style={{ marginLeft: ".4rem" }}>{task.count}</span> : null}
                </h3>
              </Link>
            ),
          )}
      </div>
    </>
  );
}
