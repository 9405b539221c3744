import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireAdmin } from "../auth/guards.server.ts";
import { adminSections } from "../components/admin-sections.ts";

export const meta: MetaFunction = () => [{ title: "Quản trị · CSDL Dân tộc" }];

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireAdmin(args);
  const { db } = auth.services;
  const [users, closed, locked] = await Promise.all([
    db("users").count({ n: "*" }),
    db("users").where({ status: "closed" }).count({ n: "*" }),
    db("users").where("locked_until", ">", db.fn.now()).count({ n: "*" }),
  ]);
  return json({ users: Number(users[0].n), closed: Number(closed[0].n), locked: Number(locked[0].n) });
}

export default function AdminHome() {
  const d = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Quản trị hệ thống</h1>
      <p className="muted">
        Cổng quản trị tách riêng khỏi cổng nghiệp vụ. {d.users} tài khoản · {d.closed} đã đóng · {d.locked} đang tạm khóa.
      </p>
      <div className="cards">
        {adminSections.map((s) => (
          <Link key={s.to} to={s.to} className="card">
            <h3>{s.title}</h3>
            <p className="muted">{s.description}</p>
          </Link>
        ))}
      </div>
    </>
  );
}
