import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireUser } from "../auth/guards.server.ts";
import { CsrfField } from "../components/csrf.tsx";
import { MfaError, confirmEnrolment, pendingEnrolment, recoveryCodesLeft, regenerateRecoveryCodes, startEnrolment } from "../security/mfa.server.ts";
import { keyFromBase32, verifyTotp } from "../security/totp.ts";
import { openSecret } from "../security/secret-box.server.ts";
import type { AppLoadContext } from "../platform/services.ts";

/**
 * Enrolment of the TOTP second factor (required for administrators): scan
 * the QR code, confirm with a first code, receive 10 one-time recovery codes
 * (shown once). Enrolled users can replace their recovery codes.
 */
export const meta: MetaFunction = () => [{ title: "Xác thực hai lớp · Tài khoản" }];

function safeRedirect(to: unknown): string {
  return typeof to === "string" && to.startsWith("/") && !to.startsWith("//") && !to.startsWith("/\\") ? to : "";
}

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireUser(args);
  const url = new URL(args.request.url);
  const { db, config } = auth.services;
  const enrolled = auth.user.totpEnabled;
  const actor = { userId: auth.user.id, username: auth.user.username, unitId: auth.user.unitId };
  const pending = enrolled ? null : await pendingEnrolment(db, config, actor).catch(() => null);
  return json({
    enrolled,
    required: url.searchParams.get("required") === "1" || auth.user.roles.includes("admin"),
    redirectTo: safeRedirect(url.searchParams.get("redirectTo")),
    usedRecovery: url.searchParams.get("used") === "recovery",
    codesLeft: enrolled ? await recoveryCodesLeft(db, auth.user.id) : 0,
    pending: pending ? { qrSvg: pending.qrSvg, secret: pending.secretBase32 } : null,
  });
}

type ActionData = { error?: string; codes?: string[]; started?: boolean; done?: boolean };

export async function action(args: ActionFunctionArgs) {
  const auth = await requireUser(args);
  const form = await args.request.formData();
  const intent = String(form.get("intent") ?? "");
  const { db, config } = auth.services;
  const actor = { userId: auth.user.id, username: auth.user.username, unitId: auth.user.unitId, ip: (args.context as unknown as AppLoadContext).clientIp };
  const code = String(form.get("code") ?? "").slice(0, 32);
  try {
    if (intent === "start") {
      await startEnrolment(db, config, actor);
      return json<ActionData>({ started: true });
    }
    if (intent === "confirm") {
      const codes = await confirmEnrolment(db, config, actor, code, auth.session.id);
      return json<ActionData>({ codes, done: true });
    }
    if (intent === "regenerate") {
      // re-authenticate the change with a current code
      const u = await db("users").where({ id: auth.user.id }).first("totp_secret", "totp_last_step");
      const ok = u?.totp_secret && verifyTotp(keyFromBase32(openSecret(u.totp_secret, config.APP_SECRET, "totp")), code, { lastStep: u.totp_last_step === null ? null : BigInt(u.totp_last_step) }) !== null;
      if (!ok) return json<ActionData>({ error: "Mã xác thực không đúng." }, { status: 400 });
      const codes = await regenerateRecoveryCodes(db, actor);
      return json<ActionData>({ codes });
    }
  } catch (e) {
    if (e instanceof MfaError) {
      const msg: Record<MfaError["code"], string> = {
        already_enrolled: "Tài khoản đã bật xác thực hai lớp.",
        not_enrolled: "Tài khoản chưa bật xác thực hai lớp.",
        no_pending: "Hãy bấm “Bắt đầu” để tạo mã QR trước.",
        bad_code: "Mã không đúng. Kiểm tra giờ trên điện thoại và nhập mã đang hiện.",
      };
      return json<ActionData>({ error: msg[e.code] }, { status: 400 });
    }
    throw e;
  }
  return json<ActionData>({ error: "Yêu cầu không hợp lệ." }, { status: 400 });
}

export default function AccountMfa() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>() as ActionData | undefined;
  return (
    <section className="panel" style={{ maxWidth: 720 }}>
      <h1>Xác thực hai lớp (TOTP)</h1>
      {d.required && !d.enrolled ? (
        <p className="alert alert-warn">Tài khoản quản trị phải bật xác thực hai lớp trước khi vào cổng quản trị (ASVS 4.3.1).</p>
      ) : null}
      {d.usedRecovery ? (
        <p className="alert alert-warn">Bạn vừa dùng một mã khôi phục. Còn lại {d.codesLeft} mã. Hãy tạo bộ mã mới nếu còn ít.</p>
      ) : null}
      {a?.error ? (
        <p className="alert alert-error" role="alert">
          {a.error}
        </p>
      ) : null}
      {a?.codes ? (
        <div className="alert alert-ok">
          <p>
            <strong>Mã khôi phục (chỉ hiện một lần).</strong> Mỗi mã dùng được một lần khi không có điện thoại. In hoặc cất nơi an toàn.
          </p>
          <pre data-testid="recovery-codes">{a.codes.join("\n")}</pre>
          {d.redirectTo ? <Link to={d.redirectTo}>Tiếp tục</Link> : null}
        </div>
      ) : null}
      {d.enrolled ? (
        <>
          <p className="alert alert-ok">Đã bật xác thực hai lớp. Còn {d.codesLeft} mã khôi phục chưa dùng.</p>
          <h2>Tạo bộ mã khôi phục mới</h2>
          <Form method="post" autoComplete="off">
            <CsrfField />
            <input type="hidden" name="intent" value="regenerate" />
            <label htmlFor="code">Mã 6 số hiện tại</label>
            <input id="code" name="code" type="text" inputMode="numeric" autoComplete="one-time-code" required maxLength={8} />
            <div className="actions">
              <button type="submit" className="secondary">Tạo mã mới (mã cũ hết hiệu lực)</button>
            </div>
          </Form>
          <p className="muted">Mất điện thoại và mã khôi phục: đề nghị quản trị viên đặt lại xác thực hai lớp cho tài khoản.</p>
        </>
      ) : d.pending ? (
        <>
          <ol>
            <li>Mở ứng dụng xác thực (Google Authenticator, Microsoft Authenticator, FreeOTP…) và quét mã QR.</li>
            <li>Hoặc nhập khóa thủ công: <code data-testid="totp-secret">{d.pending.secret}</code></li>
            <li>Nhập mã 6 chữ số ứng dụng hiển thị để xác nhận.</li>
          </ol>
          <div className="qr" aria-label="Mã QR" dangerouslySetInnerHTML={{ __html: d.pending.qrSvg }} style={{ width: 220 }} />
          <Form method="post" autoComplete="off">
            <CsrfField />
            <input type="hidden" name="intent" value="confirm" />
            <label htmlFor="code">Mã xác thực</label>
            <input id="code" name="code" type="text" inputMode="numeric" autoComplete="one-time-code" required maxLength={8} />
            <div className="actions">
              <button type="submit">Xác nhận và bật</button>
            </div>
          </Form>
          <Form method="post">
            <CsrfField />
            <input type="hidden" name="intent" value="start" />
            <button type="submit" className="secondary">Tạo mã QR khác</button>
          </Form>
        </>
      ) : (
        <>
          <p>Xác thực hai lớp bảo vệ tài khoản khi mật khẩu bị lộ: mỗi lần đăng nhập cần thêm mã 6 số từ điện thoại.</p>
          <Form method="post">
            <CsrfField />
            <input type="hidden" name="intent" value="start" />
            <button type="submit">Bắt đầu</button>
          </Form>
        </>
      )}
    </section>
  );
}
