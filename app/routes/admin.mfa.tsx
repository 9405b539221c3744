import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireAdmin } from "../auth/guards.server.ts";
import { CsrfField } from "../components/csrf.tsx";
import { formatDateTime } from "../i18n/format.ts";
import { useLang } from "../i18n/use-t.ts";
import { resetMfa } from "../security/mfa.server.ts";
import type { AppLoadContext } from "../platform/services.ts";

/** Second-factor status of accounts; reset a lost factor (the user enrols again). */
export const meta: MetaFunction = () => [{ title: "Xác thực hai lớp · Quản trị" }];

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireAdmin(args);
  const { db } = auth.services;
  const q = (new URL(args.request.url).searchParams.get("q") ?? "").trim().slice(0, 100);
  const base = db("users as u").join("units as un", "un.id", "u.unit_id");
  if (q) base.whereILike("u.username", `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  else base.where((w) => w.whereNotNull("u.totp_enabled_at").orWhereRaw("'admin' = any(u.roles)"));
  const rows = await base
    .orderBy("u.username")
    .limit(100)
    .select("u.id", "u.username", "u.roles", "u.totp_enabled_at", "un.name as unit_name")
    .select(db.raw("(select count(*)::int from mfa_recovery_codes c where c.user_id = u.id and c.used_at is null) as codes_left"));
  return json({ q, rows, me: auth.user.id });
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireAdmin(args);
  const form = await args.request.formData();
  const id = Number(form.get("userId"));
  if (!Number.isInteger(id) || id <= 0) return json({ ok: false, message: "Tài khoản không hợp lệ." }, { status: 400 });
  if (id === auth.user.id) return json({ ok: false, message: "Không tự đặt lại xác thực hai lớp của chính mình; nhờ một quản trị viên khác." }, { status: 400 });
  const target = await auth.services.db("users").where({ id }).first("id", "username", "totp_enabled_at");
  if (!target) return json({ ok: false, message: "Không tìm thấy tài khoản." }, { status: 404 });
  await resetMfa(auth.services.db, { userId: auth.user.id, username: auth.user.username, unitId: auth.user.unitId, ip: (args.context as unknown as AppLoadContext).clientIp }, id);
  return json({ ok: true, message: `Đã đặt lại xác thực hai lớp của ${target.username}. Người dùng phải đăng nhập và đăng ký lại.` });
}

export default function AdminMfa() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const lang = useLang();
  return (
    <>
      <h1>Xác thực hai lớp của tài khoản</h1>
      {a ? <p className={`alert ${a.ok ? "alert-ok" : "alert-error"}`}>{a.message}</p> : null}
      <Form method="get" className="panel filters">
        <div style={{ flex: 2 }}>
          <label htmlFor="q">Tên đăng nhập</label>
          <input id="q" name="q" type="search" defaultValue={d.q} />
        </div>
        <div>
          <button type="submit">Tìm</button>
        </div>
      </Form>
      <table>
        <thead>
          <tr><th>Tài khoản</th><th>Đơn vị</th><th>Vai trò</th><th>Xác thực hai lớp</th><th className="num">Mã khôi phục còn</th><th></th></tr>
        </thead>
        <tbody>
          {d.rows.map((r) => (
            <tr key={r.id}>
              <td><code>{r.username}</code></td>
              <td>{r.unit_name}</td>
              <td>{(r.roles as string[]).join(", ")}</td>
              <td>{r.totp_enabled_at ? <span className="badge badge-ok">Đã bật {formatDateTime(r.totp_enabled_at, lang)}</span> : <span className="badge badge-warn">Chưa bật</span>}</td>
              <td className="num">{r.totp_enabled_at ? r.codes_left : ""}</td>
              <td>
                {r.totp_enabled_at && r.id !== d.me ? (
                  <Form method="post">
                    <CsrfField />
                    <input type="hidden" name="userId" value={r.id} />
                    <button type="submit" className="danger">Đặt lại</button>
                  </Form>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
