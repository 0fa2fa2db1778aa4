import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type RunningApp } from "#tests/e2e/support/app.ts";
import { createTestDatabase, hasPostgres, type TestDatabase } from "#tests/support/db.ts";
import { ensureBuild } from "./support/build.ts";
import { Client, slowPost } from "./support/http.ts";

/**
 * Issue 11/12, ADR 0021: the real server, started as `npm start` starts it on a bare machine
 * (NODE_ENV unset = development, HOST unset, demo seed), attacked over plain HTTP.
 */
const UPLOAD_MAX_BYTES = 64 * 1024;

describe("the web server in its default (development) mode", () => {
  let app: RunningApp;

  beforeAll(async () => {
    ensureBuild();
    app = await startApp({ NODE_ENV: undefined, HOST: undefined, UPLOAD_MAX_BYTES: String(UPLOAD_MAX_BYTES) });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("says at start that demo logins with a published password are enabled", () => {
    expect(app.output()).toContain("demo logins with a published password are enabled");
  });

  it("listens on loopback only when HOST is unset", async () => {
    const port = Number(new URL(app.baseUrl).port);
    const outside = Object.values(os.networkInterfaces())
      .flat()
      .find((a) => a && a.family === "IPv4" && !a.internal)?.address;
    if (!outside) {
      console.log("not run: this machine has no non-loopback IPv4 address to try");
      return;
    }
    const connected = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: outside, port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    expect(connected, `port ${port} must not answer on ${outside}`).toBe(false);
  });

  describe("the dev mailbox", () => {
    it("sends anonymous visitors to log in, and answers 404 to anyone but a platform admin", async () => {
      const anonymous = new Client(app.baseUrl);
      // A reset link for the admin is in the mailbox now.
      const csrf = await anonymous.csrfOf("/forgot-password");
      await anonymous.post("/forgot-password", { csrf, email: "admin@demo.jiebang.cn" });
      const refused = await anonymous.get("/dev/mailbox");
      expect(refused.status).toBe(302);
      expect(refused.headers.get("location")).toMatch(/^\/login\?next=/);
      const data = await anonymous.get("/dev/mailbox.data");
      expect(await data.text()).not.toContain("reset-password?token=");

      const researcher = new Client(app.baseUrl);
      expect((await researcher.signIn("keyan@demo.jiebang.cn")).status).toBe(302);
      const notFound = await researcher.get("/dev/mailbox");
      expect(notFound.status).toBe(404);
      expect(await notFound.text()).not.toContain("reset-password?token=");
      expect(await (await researcher.get("/dashboard")).text()).not.toContain('href="/dev/mailbox"');

      const admin = new Client(app.baseUrl);
      expect((await admin.signIn("admin@demo.jiebang.cn")).status).toBe(302);
      await expect
        .poll(async () => (await admin.get("/dev/mailbox?to=admin@demo.jiebang.cn")).text(), { timeout: 20_000 })
        .toContain("reset-password?token=");
    });
  });

  describe("after login, only same-origin paths", () => {
    it.each(["/%09/evil.example", "/%0a/evil.example", "/%0d%0a/evil.example", "/%5Cevil.example", "//evil.example"])(
      "next=%s ends on the dashboard",
      async (next) => {
        const client = new Client(app.baseUrl);
        const response = await client.signIn("qiye@demo.jiebang.cn", decodeURIComponent(next));
        expect(response.status).toBe(302);
        expect(response.headers.get("location")).toBe("/dashboard");
        // Signed in already, the login page redirects the same way (a Location with a newline was a 500).
        const again = await client.get(`/login?next=${next}`);
        expect(again.status).toBe(302);
        expect(again.headers.get("location")).toBe("/dashboard");
      },
    );

    it("a same-origin next is followed", async () => {
      const client = new Client(app.baseUrl);
      const response = await client.signIn("qiye@demo.jiebang.cn", "/wallet?tab=1");
      expect(response.headers.get("location")).toBe("/wallet?tab=1");
    });
  });

  describe("where a form post may come from", () => {
    it("pages say Referrer-Policy: same-origin, so the browser sends their origin on form posts", async () => {
      const response = await fetch(`${app.baseUrl}/login`);
      expect(response.headers.get("referrer-policy")).toBe("same-origin");
    });

    it.each([
      ["Origin: null", { origin: "null" }],
      ["a foreign Origin", { origin: "http://evil.example" }],
      ["an unparsable Origin", { origin: "not a url" }],
      ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site" }],
      ["Sec-Fetch-Site: same-site", { "sec-fetch-site": "same-site" }],
    ])("%s gets 403 with a page that says so, never 500", async (_label, headers) => {
      const client = new Client(app.baseUrl);
      const csrf = await client.csrfOf("/login");
      const response = await client.post("/login", { csrf, email: "qiye@demo.jiebang.cn", password: "x" }, headers);
      expect(response.status).toBe(403);
      expect(response.headers.get("content-type")).toMatch(/text\/html/);
      expect(await response.text()).toContain("请求来源无法验证");
    });

    it("the same origin with Sec-Fetch-Site: same-origin goes through", async () => {
      const client = new Client(app.baseUrl);
      const csrf = await client.csrfOf("/login");
      const response = await client.post(
        "/login",
        { csrf, email: "qiye@demo.jiebang.cn", password: "jiebang-demo-2026" },
        { "sec-fetch-site": "same-origin" },
      );
      expect(response.status).toBe(302);
    });
  });

  describe("body size", () => {
    it("a declared 100 MB body to /login gets 413 before it is read", async () => {
      const started = Date.now();
      const result = await slowPost({
        url: app.baseUrl,
        path: "/login",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: app.baseUrl },
        totalBytes: 100 * 1024 * 1024,
        declareLength: true,
      });
      expect(result.status).toBe(413);
      expect(result.sentBytes).toBeLessThan(8 * 1024 * 1024);
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it("a body without a length is counted: 413 once past 256 KiB", async () => {
      const result = await slowPost({
        url: app.baseUrl,
        path: "/login",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: app.baseUrl },
        totalBytes: 20 * 1024 * 1024,
        declareLength: false,
      });
      expect(result.status).toBe(413);
      expect(result.sentBytes).toBeLessThan(8 * 1024 * 1024);
      expect(result.body).toContain("提交的内容过大");
    });

    it("upload routes take UPLOAD_MAX_BYTES plus room for the form, not more", async () => {
      const client = new Client(app.baseUrl);
      await client.signIn("fabang@demo.jiebang.cn");
      const headers = {
        "content-type": "multipart/form-data; boundary=x",
        origin: app.baseUrl,
        cookie: client.cookieHeader(),
      };
      const over = await slowPost({
        url: app.baseUrl,
        path: "/challenges/new",
        headers,
        totalBytes: UPLOAD_MAX_BYTES + 2 * 1024 * 1024,
        declareLength: true,
      });
      expect(over.status).toBe(413);
      const within = await slowPost({
        url: app.baseUrl,
        path: "/challenges/new",
        headers,
        totalBytes: UPLOAD_MAX_BYTES + 1024,
        declareLength: true,
      });
      // Read whole and refused for what it is (a malformed form without a token), not for its size.
      expect(within.status).not.toBe(413);
      expect(within.status).toBeLessThan(500);
      // The same size to a form without files is too large.
      const form = await slowPost({
        url: app.baseUrl,
        path: "/login",
        headers,
        totalBytes: UPLOAD_MAX_BYTES + 1024 * 1024,
        declareLength: true,
      });
      expect(form.status).toBe(413);
    });
  });

  it.each(["text/plain", "application/json", "application/xml"])(
    "a POST of %s gets 415 with a message, not 500",
    async (type) => {
      const client = new Client(app.baseUrl);
      const response = await client.post("/login", { email: "x" }, { "content-type": type });
      expect(response.status).toBe(415);
      expect(await response.text()).toContain("只接受网页表单提交的内容");
    },
  );

  it("a form with no body gets 4xx, not 500", async () => {
    const response = await fetch(`${app.baseUrl}/login`, { method: "POST", headers: { origin: app.baseUrl } });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  describe("CSRF tokens", () => {
    it("are bound to the session: login and logout rotate them, and a stale one says the page expired", async () => {
      const client = new Client(app.baseUrl);
      const anonymousToken = await client.csrfOf("/login");
      const cookieName = [...client.cookies.keys()].find((k) => k.endsWith("jb_csrf"))!;
      const anonymousCookie = client.cookies.get(cookieName);
      const login = await client.post("/login", {
        csrf: anonymousToken,
        email: "gaoxiao@demo.jiebang.cn",
        password: "jiebang-demo-2026",
      });
      expect(login.status).toBe(302);
      expect(client.cookies.get(cookieName)).toBeDefined();
      expect(client.cookies.get(cookieName)).not.toBe(anonymousCookie);

      // The token of the login page, sent with the anonymous cookie it came with, no longer verifies.
      const stale = new Client(app.baseUrl);
      for (const [k, v] of client.cookies) stale.cookies.set(k, v);
      stale.cookies.set(cookieName, anonymousCookie!);
      const expired = await stale.post("/lang", { csrf: anonymousToken, locale: "en", next: "/" });
      expect(expired.status).toBe(403);
      const page = await expired.text();
      expect(page).toContain("页面已过期");
      expect(page).not.toContain("没有权限");

      // The new session's own token works, and logout rotates it again.
      const sessionToken = await client.csrfOf("/dashboard");
      expect((await client.post("/lang", { csrf: sessionToken, locale: "zh-CN", next: "/" })).status).toBe(302);
      const signedInCookie = client.cookies.get(cookieName);
      expect((await client.post("/logout", { csrf: sessionToken })).status).toBe(302);
      expect(client.cookies.get(cookieName)).not.toBe(signedInCookie);
      const afterLogout = await client.post("/lang", { csrf: sessionToken, locale: "en", next: "/" });
      expect(afterLogout.status).toBe(403);
    });

    it("a missing token says the page expired, not that a permission is lacking", async () => {
      const client = new Client(app.baseUrl);
      await client.csrfOf("/login");
      const response = await client.post("/login", { email: "qiye@demo.jiebang.cn", password: "x" });
      expect(response.status).toBe(403);
      const page = await response.text();
      expect(page).toContain("页面已过期，请刷新后重试");
      expect(page).not.toContain("没有权限");
    });
  });

  it("the session cookie lives no longer than the 12-hour absolute limit", async () => {
    const client = new Client(app.baseUrl);
    const csrf = await client.csrfOf("/login");
    const response = await fetch(`${app.baseUrl}/login`, {
      method: "POST",
      redirect: "manual",
      headers: {
        cookie: client.cookieHeader(),
        origin: app.baseUrl,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ csrf, email: "qiye@demo.jiebang.cn", password: "jiebang-demo-2026" }).toString(),
    });
    const session = response.headers.getSetCookie().find((c) => /jb_session=/.test(c));
    expect(session).toMatch(/Max-Age=43200\b/);
    expect(session).toMatch(/^__Host-jb_session=/);
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; Secure/);
    expect(session).toMatch(/SameSite=Lax/);
  });

  it("the wallet statement carries one CSP header, its own", async () => {
    const client = new Client(app.baseUrl);
    await client.signIn("fabang@demo.jiebang.cn");
    const response = await client.get("/wallet/statement.csv");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
  });

  it("no error detail reaches a visitor (search with sort=__proto__)", async () => {
    for (const path of ["/search?sort=__proto__", "/search.data?sort=__proto__"]) {
      const response = await fetch(app.baseUrl + path);
      const body = await response.text();
      expect(body, path).not.toMatch(/TypeError|\/work\/|\.ts:\d+|at [A-Za-z]+ \(/);
    }
  });
});

/** A loader bug, seen by an anonymous visitor of a server in development mode. */
describe("an unexpected error in a route", () => {
  let child: ChildProcess;
  let output = "";
  let baseUrl: string;
  let database: TestDatabase | undefined;
  let pgliteDir: string | undefined;

  beforeAll(async () => {
    ensureBuild();
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "development", PORT: String(port), LOG_LEVEL: "info" };
    delete env.REDIS_URL;
    delete env.MEILI_HOST;
    if (hasPostgres()) {
      database = await createTestDatabase({ migrate: false });
      env.DATABASE_URL = database.url;
    } else {
      delete env.DATABASE_URL;
      pgliteDir = fs.mkdtempSync(path.join(os.tmpdir(), "jiebang-failing-"));
      env.PGLITE_DIR = pgliteDir;
    }
    const root = path.resolve(__dirname, "..", "..");
    child = spawn(
      process.execPath,
      [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), "test/server/support/failing-server.ts"],
      { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
    const deadline = Date.now() + 90_000;
    while (!output.includes(`ready ${port}`)) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`failing server did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    baseUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    await database?.close();
    if (pgliteDir) fs.rmSync(pgliteDir, { recursive: true, force: true });
  });

  it.each(["/search", "/search.data"])(
    "%s answers 500 with a generic message and the request id in the log",
    async (path) => {
      const response = await fetch(baseUrl + path);
      expect(response.status).toBe(500);
      const body = await response.text();
      expect(body).not.toMatch(/TypeError|weight|\/work\/secret|rank\.ts/);
      const requestId = response.headers.get("x-request-id");
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(body).toContain(requestId);
      // The log has the details, under the same id.
      await expect.poll(() => output, { timeout: 5_000 }).toContain(requestId!);
      const line = output.split("\n").find((l) => l.includes(requestId!) && l.includes("rank.ts"));
      expect(line, "a log line with the id and the error").toBeTruthy();
    },
  );

  it("a download's own CSP replaces the page CSP: one header", async () => {
    const response = await fetch(`${baseUrl}/attachments/any`);
    expect(response.status).toBe(200);
    // fetch joins repeated headers with ", ": one policy means no second default-src.
    expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}
