import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import crypto from "node:crypto";
import { signRequest } from "#domain/storage/sigv4.ts";

/**
 * A stand-in for the three S3 object calls, on 127.0.0.1. It keeps objects in memory and records
 * each request; it answers 403 SignatureDoesNotMatch unless the Authorization header is
 * well-formed, the payload hash matches the body, and recomputing the signature from the request
 * as received (with the test's secret) gives the same value — so headers lost or changed on the
 * way fail the test.
 */
export interface FakeS3Request {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  signatureValid: boolean;
}

export async function startFakeS3(options: { accessKeyId: string; secretAccessKey: string; region: string }) {
  const objects = new Map<string, { body: Buffer; contentType: string }>();
  const requests: FakeS3Request[] = [];
  let failNext: number | null = null;
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(request.url ?? "/", `http://${request.headers.host}`);
    const method = request.method ?? "GET";
    const signatureValid = verify(method, url, request.headers, body);
    requests.push({ method, path: decodeURIComponent(url.pathname), headers: request.headers, signatureValid });
    if (!signatureValid) {
      response.writeHead(403, { "content-type": "application/xml" });
      return response.end("<Error><Code>SignatureDoesNotMatch</Code></Error>");
    }
    if (failNext) {
      const status = failNext;
      failNext = null;
      response.writeHead(status, { "content-type": "application/xml" });
      return response.end("<Error><Code>InternalError</Code></Error>");
    }
    const key = decodeURIComponent(url.pathname);
    if (method === "PUT") {
      objects.set(key, { body, contentType: String(request.headers["content-type"] ?? "") });
      response.writeHead(200, { etag: `"${crypto.createHash("md5").update(body).digest("hex")}"` });
      return response.end();
    }
    if (method === "GET") {
      const object = objects.get(key);
      if (!object) {
        response.writeHead(404, { "content-type": "application/xml" });
        return response.end("<Error><Code>NoSuchKey</Code></Error>");
      }
      response.writeHead(200, { "content-type": object.contentType, "content-length": object.body.length });
      return response.end(object.body);
    }
    if (method === "DELETE") {
      objects.delete(key);
      response.writeHead(204);
      return response.end();
    }
    response.writeHead(405);
    response.end();
  });

  function verify(method: string, url: URL, headers: Record<string, string | string[] | undefined>, body: Buffer) {
    const auth = String(headers.authorization ?? "");
    const match =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([a-z0-9-]+)\/s3\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
        auth,
      );
    if (!match) return false;
    const [, keyId, day, region, signed] = match;
    if (keyId !== options.accessKeyId || region !== options.region) return false;
    const date = String(headers["x-amz-date"] ?? "");
    if (!/^\d{8}T\d{6}Z$/.test(date) || date.slice(0, 8) !== day) return false;
    const payload = String(headers["x-amz-content-sha256"] ?? "");
    if (payload !== crypto.createHash("sha256").update(body).digest("hex")) return false;
    const names = signed!.split(";");
    if (!names.includes("host") || !names.includes("x-amz-date") || !names.includes("x-amz-content-sha256"))
      return false;
    const given: Record<string, string> = {};
    for (const name of names) {
      if (name === "host" || name === "x-amz-date" || name === "x-amz-content-sha256") continue;
      if (headers[name] === undefined) return false;
      given[name] = String(headers[name]);
    }
    const iso = `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`;
    const expected = signRequest({
      method,
      url: new URL(`http://${headers.host}${url.pathname}${url.search}`),
      headers: given,
      payloadSha256: payload,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey, region: region! },
      now: new Date(iso),
    });
    return expected.authorization === auth;
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    objects,
    requests,
    failNextWith(status: number) {
      failNext = status;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
