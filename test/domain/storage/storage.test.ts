import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStorage } from "#domain/storage/index.ts";
import { createLocalStorage } from "#domain/storage/local.ts";
import { createS3Storage } from "#domain/storage/s3.ts";
import { readAll, type ObjectStorage } from "#domain/storage/storage.ts";
import { startFakeS3 } from "./support/fake-s3.ts";

const CREDENTIALS = { accessKeyId: "TESTKEY", secretAccessKey: "test-secret/with+chars", region: "cn-southwest-1" };
const bytes = (text: string) => new TextEncoder().encode(text);

function contract(name: string, make: () => ObjectStorage) {
  describe(`${name}: the storage contract`, () => {
    it("puts, gets as a stream, replaces and deletes by key", async () => {
      const storage = make();
      await storage.put("attachments/challenge/abc123", bytes("第一版"), { contentType: "text/plain" });
      expect(new TextDecoder().decode(await readAll((await storage.get("attachments/challenge/abc123"))!))).toBe(
        "第一版",
      );
      await storage.put("attachments/challenge/abc123", bytes("second"));
      expect(new TextDecoder().decode(await readAll((await storage.get("attachments/challenge/abc123"))!))).toBe(
        "second",
      );
      await storage.delete("attachments/challenge/abc123");
      expect(await storage.get("attachments/challenge/abc123")).toBeNull();
      await storage.delete("attachments/challenge/abc123"); // deleting twice is fine
    });

    it("refuses keys that could leave their place", async () => {
      const storage = make();
      for (const key of ["../etc/passwd", "a/../../b", "/abs", "A/Upper", "a//b", "", "a/b/"])
        await expect(storage.put(key, bytes("x")), key).rejects.toThrow(/invalid storage key/);
    });
  });
}

let dir = "";
let fake: Awaited<ReturnType<typeof startFakeS3>>;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "jb-uploads-"));
  fake = await startFakeS3(CREDENTIALS);
});
afterAll(async () => {
  await fake?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

contract("local disk", () => createLocalStorage(dir));
contract("S3 (fake server)", () => createS3Storage({ endpoint: fake.url, bucket: "jiebang-test", ...CREDENTIALS }));

describe("local disk adapter", () => {
  it("writes through a temporary file and leaves none behind", async () => {
    const storage = createLocalStorage(dir);
    await storage.put("attachments/bid/k1", bytes("x".repeat(1000)));
    const files = await fs.readdir(path.join(dir, "attachments", "bid"));
    expect(files).toEqual(["k1"]);
  });
});

describe("S3 adapter against a fake S3 on 127.0.0.1", () => {
  it("signs every request (well-formed SigV4 headers that verify) and uses path-style URLs", async () => {
    const storage = createS3Storage({
      endpoint: fake.url,
      bucket: "jiebang-test",
      ...CREDENTIALS,
      now: () => new Date("2026-12-01T08:00:00Z"),
    });
    fake.requests.length = 0;
    await storage.put("attachments/challenge/sig1", bytes("%PDF-1.4 hello"), { contentType: "application/pdf" });
    await storage.get("attachments/challenge/sig1");
    await storage.delete("attachments/challenge/sig1");
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "PUT /jiebang-test/attachments/challenge/sig1",
      "GET /jiebang-test/attachments/challenge/sig1",
      "DELETE /jiebang-test/attachments/challenge/sig1",
    ]);
    for (const r of fake.requests) {
      expect(r.signatureValid).toBe(true);
      expect(r.headers["x-amz-date"]).toBe("20261201T080000Z");
      expect(String(r.headers.authorization)).toMatch(
        /^AWS4-HMAC-SHA256 Credential=TESTKEY\/20261201\/cn-southwest-1\/s3\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
      );
      expect(r.headers["x-amz-content-sha256"]).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(fake.requests[0]!.headers["content-type"]).toBe("application/pdf");
    expect(String(fake.requests[0]!.headers.authorization)).toContain("SignedHeaders=content-type;host;");
  });

  it("a wrong secret is refused by the server and surfaces as an error", async () => {
    const storage = createS3Storage({
      endpoint: fake.url,
      bucket: "jiebang-test",
      ...CREDENTIALS,
      secretAccessKey: "wrong",
    });
    await expect(storage.put("attachments/challenge/x", bytes("x"))).rejects.toThrow(/HTTP 403/);
  });

  it("a server error on PUT is an error, not a silent success", async () => {
    const storage = createS3Storage({ endpoint: fake.url, bucket: "jiebang-test", ...CREDENTIALS });
    fake.failNextWith(500);
    await expect(storage.put("attachments/challenge/y", bytes("y"))).rejects.toThrow(/HTTP 500/);
    expect(fake.objects.has("/jiebang-test/attachments/challenge/y")).toBe(false);
  });
});

describe("createStorage", () => {
  it("picks the local directory by default and S3 when configured", () => {
    expect(createStorage({ UPLOAD_DIR: dir }).kind).toBe("local");
    expect(
      createStorage({
        UPLOAD_DIR: dir,
        S3_ENDPOINT: fake.url,
        S3_BUCKET: "b-1",
        S3_REGION: "r",
        S3_ACCESS_KEY_ID: "k",
        S3_SECRET_ACCESS_KEY: "s",
      }).kind,
    ).toBe("s3");
  });
});
