import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireAdmin } from "../auth/guards.server.ts";
import { writeAudit } from "../audit/audit.server.ts";
import { CsrfField } from "../components/csrf.tsx";
import { formatDateTime } from "../i18n/format.ts";
import { useLang } from "../i18n/use-t.ts";
import { createApiToken, revokeApiToken } from "../api/tokens.server.ts";
import type { AppLoadContext } from "../platform/services.ts";

export const meta: MetaFunction = () => [{ title: "Mã truy cập API · Quản trị" }];

/**
 * Admin: per-client API tokens. A new token is shown once (only its SHA-256
 * is stored); revoking takes effect on the next call. Each token reads the
 * subtree of the unit it is issued for.
 */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireAdmin(args);
  const { db } = auth.services;
  const tokens = await db("api_tokens as t")
    .join("units as u", "u.id", "t.unit_id")
    .leftJoin("users as c", "c.id", "t.created_by")
    .select("t.id", "t.client_name", "t.token_prefix", "t.rate_limit_per_minute", "t.created_at", "t.expires_at", "t.revoked_at", "t.last_used_at", "t.calls", "u.name as unit_name", "c.username as created_by")
    .orderBy("t.id", "desc");
  const units = await db("units").whereIn("tier", ["province", "department", "district"]).whereNull("valid_to").orderBy("path").select("id", "name", "tier");
  return json({ tokens, units });
}

const createSchema = z.object({
  intent: z.literal("create"),
  clientName: z.string().trim().min(3, "Tên đơn vị khai thác ít nhất 3 ký tự").max(120),
  unitId: z.coerce.number().int().positive("Chọn đơn vị phạm vi"),
  rate: z.coerce.number().int().min(1, "Tối thiểu 1 lần/phút").max(6000, "Tối đa 6000 lần/phút").default(120),
  expiresDays: z.coerce.number().int().min(0).max(3650).default(365),
});
const revokeSchema = z.object({ intent: z.literal("revoke"), id: z.coerce.number().int().positive() });

export async function action(args: ActionFunctionArgs) {
  const auth = await requireAdmin(args);
  const { db } = auth.services;
  const ip = (args.context as unknown as AppLoadContext).clientIp;
  const form = Object.fromEntries(await args.request.formData());
  if (form.intent === "revoke") {
    const r = revokeSchema.safeParse(form);
    if (!r.success) return json({ error: "Yêu cầu không hợp lệ", token: null }, { status: 400 });
    const ok = await revokeApiToken(db, r.data.id, auth.user.id);
    await writeAudit(db, { actorUserId: auth.user.id, actorUsername: auth.user.username, unitId: auth.user.unitId, action: "api.token_revoked", targetType: "api_token", targetId: r.data.id, ip });
    return json({ error: ok ? null : "Mã đã bị thu hồi trước đó", token: null, revoked: r.data.id });
  }
  const r = createSchema.safeParse(form);
  if (!r.success) return json({ error: r.error.issues.map((i) => i.message).join("; "), token: null }, { status: 400 });
  const unit = await db("units").where({ id: r.data.unitId }).first("id");
  if (!unit) return json({ error: "Không có đơn vị này", token: null }, { status: 400 });
  const expiresAt = r.data.expiresDays ? new Date(Date.now() + r.data.expiresDays * 86_400_000) : null;
  const t = await createApiToken(db, { clientName: r.data.clientName, unitId: r.data.unitId, createdBy: auth.user.id, ratePerMinute: r.data.rate, expiresAt });
  await writeAudit(db, {
    actorUserId: auth.user.id, actorUsername: auth.user.username, unitId: auth.user.unitId, action: "api.token_created",
    targetType: "api_token", targetId: t.id, ip, details: { client: r.data.clientName, unitId: r.data.unitId, rate: r.data.rate, expiresAt },
  });
  return json({ error: null, token: t.token, tokenId: t.id });
}

export default function ApiTokens() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const lang = useLang();
  return (
    <>
      <h1>Mã truy cập API chia sẻ dữ liệu</h1>
      <p className="muted">
        Dành cho hệ thống của UBDT và nền tảng LGSP của tỉnh. Tài liệu API: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (trên cổng công khai).
      </p>
      {a?.error ? <p className="alert alert-error">{a.error}</p> : null}
      {a?.token ? (
        <div className="alert alert-ok" role="status">
          <p>
            <strong>Mã truy cập mới (chỉ hiển thị một lần — sao chép và gửi an toàn cho đơn vị khai thác):</strong>
          </p>
          <p>
            <code data-testid="new-token" style={{ userSelect: "all", wordBreak: "break-all" }}>{a.token}</code>
          </p>
        </div>
      ) : null}
      <Form method="post" className="panel filters">
        <CsrfField />
        <input type="hidden" name="intent" value="create" />
        <div style={{ flex: 2 }}>
          <label htmlFor="clientName">Đơn vị khai thác</label>
          <input id="clientName" name="clientName" required minLength={3} placeholder="Ví dụ: UBDT — Hệ thống CSDL quốc gia" />
        </div>
        <div style={{ flex: 2 }}>
          <label htmlFor="unitId">Phạm vi dữ liệu</label>
          <select id="unitId" name="unitId" required>
            {d.units.map((u) => (
              <option key={u.id} value={u.id}>{u.name}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="rate">Giới hạn (lần/phút)</label>
          <input id="rate" name="rate" type="number" min={1} max={6000} defaultValue={120} />
        </div>
        <div>
          <label htmlFor="expiresDays">Hiệu lực (ngày, 0 = không hạn)</label>
          <input id="expiresDays" name="expiresDays" type="number" min={0} max={3650} defaultValue={365} />
        </div>
        <div>
          <button type="submit">Tạo mã</button>
        </div>
      </Form>
      <table>
        <thead>
          <tr>
            <th>Đơn vị khai thác</th>
            <th>Mã (đầu)</th>
            <th>Phạm vi</th>
            <th>Giới hạn</th>
            <th>Tạo lúc</th>
            <th>Hết hạn</th>
            <th>Dùng lần cuối</th>
            <th className="num">Số lần gọi</th>
            <th>Trạng thái</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {d.tokens.map((t) => (
            <tr key={t.id}>
              <td>{t.client_name}</td>
              <td><code>{t.token_prefix}…</code></td>
              <td>{t.unit_name}</td>
              <td>{t.rate_limit_per_minute}/phút</td>
              <td>{formatDateTime(t.created_at, lang)} ({t.created_by})</td>
              <td>{t.expires_at ? formatDateTime(t.expires_at, lang) : "—"}</td>
              <td>{t.last_used_at ? formatDateTime(t.last_used_at, lang) : "—"}</td>
              <td className="num">{t.calls}</td>
              <td>{t.revoked_at ? <span className="badge">Đã thu hồi {formatDateTime(t.revoked_at, lang)}</span> : <span className="badge badge-ok">Hiệu lực</span>}</td>
              <td>
                {t.revoked_at ? null : (
                  <Form method="post" onSubmit={(e) => { if (!confirm(`Thu hồi mã của ${t.client_name}?`)) e.preventDefault(); }}>
                    <CsrfField />
                    <input type="hidden" name="intent" value="revoke" />
                    <input type="hidden" name="id" value={t.id} />
                    <button type="submit" className="secondary">Thu hồi</button>
                  </Form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
