import { EMPTY_SHA256, sha256Hex, signRequest, uriEncode, type SigningCredentials } from "./sigv4.ts";
import { assertStorageKey, type ObjectStorage } from "./storage.ts";

export interface S3Options {
  /** e.g. https://s3.cn-north-1.amazonaws.com.cn or http://127.0.0.1:9000 (MinIO); path-style URLs. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** For tests: the clock used to sign. */
  now?: () => Date;
}

/**
 * Attachments in an S3-compatible bucket, with our own SigV4 signing over fetch (ADR 0015).
 * Path-style addressing (endpoint/bucket/key) works with AWS, MinIO, Ceph and the Chinese clouds'
 * S3 endpoints alike.
 */
export function createS3Storage(options: S3Options): ObjectStorage {
  const credentials: SigningCredentials = {
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    region: options.region,
  };
  const base = options.endpoint.replace(/\/+$/, "");
  const clock = options.now ?? (() => new Date());
  const urlOf = (key: string) => {
    assertStorageKey(key);
    return new URL(`${base}/${uriEncode(options.bucket, false)}/${uriEncode(key, true)}`);
  };
  const send = async (method: string, key: string, body?: Uint8Array, extra?: Record<string, string>) => {
    const url = urlOf(key);
    const headers = signRequest({
      method,
      url,
      headers: extra,
      payloadSha256: body ? sha256Hex(body) : EMPTY_SHA256,
      credentials,
      now: clock(),
    });
    delete headers.host; // fetch sets it (and refuses a forbidden header)
    return fetch(url, { method, headers, ...(body ? { body: new Uint8Array(body) as Uint8Array<ArrayBuffer> } : {}) });
  };
  const fail = async (what: string, key: string, response: Response) => {
    const text = (await response.text().catch(() => "")).slice(0, 300);
    return new Error(`S3 ${what} ${key} failed: HTTP ${response.status} ${text}`);
  };
  return {
    kind: "s3",
    async put(key, body, putOptions) {
      const response = await send("PUT", key, body, {
        "content-type": putOptions?.contentType ?? "application/octet-stream",
      });
      if (!response.ok) throw await fail("PUT", key, response);
      await response.arrayBuffer();
    },
    async get(key) {
      const response = await send("GET", key);
      if (response.status === 404) {
        await response.arrayBuffer();
        return null;
      }
      if (!response.ok || !response.body) throw await fail("GET", key, response);
      return response.body as ReadableStream<Uint8Array>;
    },
    async delete(key) {
      const response = await send("DELETE", key);
      if (!response.ok && response.status !== 404) throw await fail("DELETE", key, response);
      await response.arrayBuffer();
    },
  };
}
