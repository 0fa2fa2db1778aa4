import http from "node:http";
import { DEFAULT_PASSWORD } from "#tests/support/factories.ts";

/** A cookie jar and form posts over plain HTTP, as a browser without JavaScript would send them. */
export class Client {
  readonly cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  private remember(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const index = pair!.indexOf("=");
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      if (/Max-Age=0/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const response = await fetch(this.baseUrl + path, {
      redirect: "manual",
      headers: { cookie: this.cookieHeader(), ...headers },
    });
    this.remember(response);
    return response;
  }

  async post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    const response = await fetch(this.baseUrl + path, {
      method: "POST",
      redirect: "manual",
      headers: {
        cookie: this.cookieHeader(),
        origin: this.baseUrl,
        "content-type": "application/x-www-form-urlencoded",
        ...headers,
      },
      body: new URLSearchParams(fields).toString(),
    });
    this.remember(response);
    return response;
  }

  /** The CSRF token of a page's forms. */
  async csrfOf(path: string): Promise<string> {
    const html = await (await this.get(path)).text();
    const match = /name="csrf" value="([^"]+)"/.exec(html);
    if (!match) throw new Error(`no CSRF field on ${path}`);
    return match[1]!;
  }

  async signIn(email: string, next = ""): Promise<Response> {
    const csrf = await this.csrfOf("/login");
    return this.post("/login", { csrf, email, password: DEFAULT_PASSWORD, next });
  }
}

/**
 * A POST whose body is written slowly, up to `totalBytes`: resolves with the status as soon as the
 * server answers (before the body is finished, when it refuses early) and how many bytes were sent.
 */
export function slowPost(options: {
  url: string;
  path: string;
  headers: Record<string, string>;
  totalBytes: number;
  declareLength: boolean;
}): Promise<{ status: number; sentBytes: number; body: string }> {
  const target = new URL(options.url);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let done = false;
    const request = http.request({
      host: "127.0.0.1",
      port: target.port,
      method: "POST",
      path: options.path,
      headers: {
        host: target.host,
        ...options.headers,
        ...(options.declareLength ? { "content-length": String(options.totalBytes) } : {}),
      },
    });
    let answered: { status: number; body: string } | undefined;
    const finish = () => {
      if (done || !answered) return;
      done = true;
      resolve({ ...answered, sentBytes: sent });
    };
    request.on("response", (response) => {
      answered = { status: response.statusCode ?? 0, body: "" };
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (answered!.body += chunk));
      response.on("end", finish);
      response.on("error", finish);
      response.on("close", finish);
    });
    request.on("error", (error) => {
      // The server may close the connection after answering: the answer is what counts.
      if (answered) finish();
      else if (!done) reject(error);
    });
    const chunk = Buffer.alloc(64 * 1024, "a");
    const pump = () => {
      if (done || request.destroyed) return;
      if (sent >= options.totalBytes) return void request.end();
      const piece = chunk.subarray(0, Math.min(chunk.length, options.totalBytes - sent));
      sent += piece.length;
      request.write(piece);
      setTimeout(pump, 5);
    };
    pump();
  });
}
