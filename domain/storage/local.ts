import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import crypto from "node:crypto";
import { assertStorageKey, type ObjectStorage } from "./storage.ts";

/**
 * Attachments in a directory (UPLOAD_DIR, default .data/uploads). A write goes to a temporary file
 * beside its target and is renamed into place, so a reader never sees half a file.
 */
export function createLocalStorage(directory: string): ObjectStorage {
  const root = path.resolve(directory);
  const fileOf = (key: string) => {
    assertStorageKey(key);
    return path.join(root, ...key.split("/"));
  };
  return {
    kind: "local",
    async put(key, body) {
      const file = fileOf(key);
      await fs.mkdir(path.dirname(file), { recursive: true });
      const temporary = `${file}.${crypto.randomBytes(6).toString("hex")}.part`;
      try {
        await fs.writeFile(temporary, body, { flag: "wx" });
        await fs.rename(temporary, file);
      } catch (error) {
        await fs.rm(temporary, { force: true });
        throw error;
      }
    },
    async get(key) {
      const file = fileOf(key);
      try {
        const handle = await fs.open(file, "r");
        await handle.close();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw error;
      }
      return Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
    },
    async delete(key) {
      await fs.rm(fileOf(key), { force: true });
    },
  };
}
