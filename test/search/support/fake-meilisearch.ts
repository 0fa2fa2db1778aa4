import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A stand-in for the REST endpoints the Meilisearch client calls, on 127.0.0.1 (no Meilisearch
 * server exists for this machine). It records every request and answers like Meilisearch 1.x:
 * writes enqueue a task that reads "processing" once and then "succeeded" (or "failed" when the
 * test says so); search answers whatever the test queued. It checks the adapter's calls, not
 * search semantics — those are the contract suite's, against a real server when MEILI_HOST is set.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  authorization?: string | undefined;
}

interface FakeTask {
  uid: number;
  indexUid: string | null;
  type: string;
  polls: number;
  fail?: { code: string; message: string } | undefined;
}

export interface FakeMeilisearch {
  url: string;
  requests: RecordedRequest[];
  indexes: Map<string, { primaryKey: string | null }>;
  /** The next write task of this type ends in `failed` with this error. */
  failNext(type: string, error: { code: string; message: string }): void;
  /** The next search answers with this status and body. */
  respondToSearch(status: number, body: unknown): void;
  close(): Promise<void>;
}

export async function startFakeMeilisearch(): Promise<FakeMeilisearch> {
  const requests: RecordedRequest[] = [];
  const indexes = new Map<string, { primaryKey: string | null }>();
  const tasks = new Map<number, FakeTask>();
  const failures = new Map<string, { code: string; message: string }>();
  const searches: { status: number; body: unknown }[] = [];
  let nextTask = 1;

  const enqueue = (indexUid: string | null, type: string) => {
    const task: FakeTask = { uid: nextTask++, indexUid, type, polls: 0, fail: failures.get(type) };
    failures.delete(type);
    tasks.set(task.uid, task);
    return { taskUid: task.uid, indexUid, status: "enqueued", type, enqueuedAt: new Date().toISOString() };
  };

  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const path = url.pathname;
    const method = request.method ?? "GET";
    requests.push({ method, path, body, authorization: request.headers.authorization });
    const send = (status: number, payload: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(payload));
    };
    const notFound = (uid: string) =>
      send(404, { message: `Index \`${uid}\` not found.`, code: "index_not_found", type: "invalid_request", link: "" });

    let match: RegExpExecArray | null;
    if (method === "GET" && path === "/health") return send(200, { status: "available" });
    if (method === "GET" && (match = /^\/tasks\/(\d+)$/.exec(path))) {
      const task = tasks.get(Number(match[1]));
      if (!task)
        return send(404, { message: "task not found", code: "task_not_found", type: "invalid_request", link: "" });
      task.polls++;
      const status = task.polls < 2 ? "processing" : task.fail ? "failed" : "succeeded";
      if (status === "succeeded" && task.type === "indexCreation" && task.indexUid) {
        const created = (requests.find(
          (r) => r.path === "/indexes" && (r.body as { uid: string }).uid === task.indexUid,
        )?.body ?? {}) as { primaryKey?: string };
        indexes.set(task.indexUid, { primaryKey: created.primaryKey ?? null });
      }
      if (status === "succeeded" && task.type === "indexDeletion" && task.indexUid) indexes.delete(task.indexUid);
      return send(200, {
        uid: task.uid,
        indexUid: task.indexUid,
        status,
        type: task.type,
        error: status === "failed" ? { ...task.fail, type: "invalid_request", link: "" } : null,
        enqueuedAt: new Date().toISOString(),
      });
    }
    if (method === "POST" && path === "/indexes")
      return send(202, enqueue((body as { uid: string }).uid, "indexCreation"));
    if (method === "POST" && path === "/swap-indexes") return send(202, enqueue(null, "indexSwap"));
    if ((match = /^\/indexes\/([^/]+)(\/.*)?$/.exec(path))) {
      const uid = decodeURIComponent(match[1]!);
      const rest = match[2] ?? "";
      if (method === "GET" && rest === "") {
        const index = indexes.get(uid);
        if (!index) return notFound(uid);
        return send(200, { uid, primaryKey: index.primaryKey, createdAt: "", updatedAt: "" });
      }
      if (method === "DELETE" && rest === "") return send(202, enqueue(uid, "indexDeletion"));
      if (method === "PATCH" && rest === "/settings") return send(202, enqueue(uid, "settingsUpdate"));
      if (method === "POST" && rest === "/documents") return send(202, enqueue(uid, "documentAdditionOrUpdate"));
      if (method === "POST" && rest === "/documents/delete-batch") return send(202, enqueue(uid, "documentDeletion"));
      if (method === "POST" && rest === "/search") {
        const next = searches.shift() ?? {
          status: 200,
          body: { hits: [], estimatedTotalHits: 0, offset: 0, limit: 20, processingTimeMs: 0, query: "" },
        };
        return send(next.status, next.body);
      }
    }
    send(404, { message: `no route ${method} ${path}`, code: "fake_no_route", type: "invalid_request", link: "" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    indexes,
    failNext: (type, error) => failures.set(type, error),
    respondToSearch: (status, body) => searches.push({ status, body }),
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
