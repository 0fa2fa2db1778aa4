import path from "node:path";
import type { Env } from "../env.ts";
import { createLocalStorage } from "./local.ts";
import { createS3Storage } from "./s3.ts";
import type { ObjectStorage } from "./storage.ts";

/** The configured storage: the S3 bucket when S3_* is set (parseEnv demands all five), else UPLOAD_DIR. */
export function createStorage(
  env: Pick<
    Env,
    "UPLOAD_DIR" | "S3_ENDPOINT" | "S3_BUCKET" | "S3_REGION" | "S3_ACCESS_KEY_ID" | "S3_SECRET_ACCESS_KEY"
  >,
): ObjectStorage {
  if (env.S3_ENDPOINT && env.S3_BUCKET && env.S3_REGION && env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY) {
    return createS3Storage({
      endpoint: env.S3_ENDPOINT,
      bucket: env.S3_BUCKET,
      region: env.S3_REGION,
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
    });
  }
  return createLocalStorage(path.resolve(env.UPLOAD_DIR));
}

export type { ObjectStorage } from "./storage.ts";
