/**
 * A small HTTP client for tests: a cookie jar, no automatic redirects, form
 * posts that carry the page's CSRF token, and sign-in helpers.
 */
export class TestClient {
  cookies = new Map<string, string>();
  csrf = "";
  constructor(public baseUrl: string) {}

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private store(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(";");
      const [k, ...v] = pair.split("=");
      const value = v.join("=");
      if (attrs.some((a) => /max-age=0/i.test(a.trim())) || value === "") this.cookies.delete(k.trim());
      else this.cookies.set(k.trim(), value);
    }
  }

  async request(pathname: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", this.cookieHeader());
    const res = await fetch(new URL(pathname, this.baseUrl), { ...init, headers, redirect: "manual" });
    this.store(res);
    return res;
  }

  async get(pathname: string): Promise<Response> {
    const res = await this.request(pathname);
    if (res.headers.get("content-type")?.includes("text/html")) {
      const html = await res.clone().text();
      const m = html.match(/name="_csrf" value="([^"]*)"/);
      if (m?.[1]) this.csrf = m[1];
    }
    return res;
  }

  /** GET and return the body text (throws on a non-2xx status). */
  async page(pathname: string): Promise<string> {
    const res = await this.get(pathname);
    if (!res.ok) throw new Error(`GET ${pathname} → ${res.status} ${res.headers.get("location") ?? ""}`);
    return res.text();
  }

  async post(pathname: string, fields: Record<string, string | string[]> | FormData, opts: { csrf?: boolean } = {}): Promise<Response> {
    let body: FormData | URLSearchParams;
    if (fields instanceof FormData) {
      body = fields;
      if (opts.csrf !== false && !body.has("_csrf")) body.set("_csrf", this.csrf);
    } else {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
      if (opts.csrf !== false && !p.has("_csrf")) p.set("_csrf", this.csrf);
      body = p;
    }
    return this.request(pathname, { method: "POST", body });
  }

  /** Sign in; returns the response of the sign-in POST (302 on success). */
  async login(username: string, password: string): Promise<Response> {
    return this.post("/login", { username, password }, { csrf: false });
  }

  /** Sign in and, if required, replace the password; leaves the client on a usable session. */
  async loginAndSetPassword(username: string, initialPassword: string, newPassword: string): Promise<void> {
    const res = await this.login(username, initialPassword);
    if (res.status !== 302) throw new Error(`sign-in failed for ${username}: ${res.status}`);
    if (res.headers.get("location")?.startsWith("/account/password")) {
      await this.get("/account/password");
      const r = await this.post("/account/password", { currentPassword: initialPassword, newPassword, confirmPassword: newPassword, redirectTo: "/" });
      if (r.status !== 302) throw new Error(`password change failed for ${username}: ${r.status} ${await r.text()}`);
    }
    await this.get("/");
  }
}
