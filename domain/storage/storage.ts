/**
 * Where attachment bytes live, by key (ADR 0015). One interface, two adapters: a directory on the
 * local disk by default, an S3-compatible bucket when S3_* is configured. Keys are chosen by the
 * domain (never by a user) and checked here once more, so no key can escape its directory.
 */
export interface ObjectStorage {
  readonly kind: "local" | "s3";
  /** Stores the bytes under the key, replacing what was there. */
  put(key: string, body: Uint8Array, options?: { contentType?: string }): Promise<void>;
  /** The stored bytes as a stream, or null when nothing is stored under the key. */
  get(key: string): Promise<ReadableStream<Uint8Array> | null>;
  /** Removes the key; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
}

const KEY = /^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9_-]*)*$/;

export function assertStorageKey(key: string): void {
  if (key.length > 512 || !KEY.test(key)) throw new Error(`invalid storage key: ${JSON.stringify(key)}`);
}

/** Reads a stream to the end (tests and small files). */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
