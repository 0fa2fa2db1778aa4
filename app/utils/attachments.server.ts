import type { AppLoadContext } from "@remix-run/node";
import type { UploadedFile } from "#domain/attachments/attachments.ts";
import { inspectUpload, MAX_ATTACHMENTS_PER_RECORD } from "../domain.server.ts";
import { plain } from "./challenges.server.ts";
import type { UploadLimits } from "./csrf.server.ts";

/** The configured attachment storage (local disk or S3). */
export function storage(context: AppLoadContext) {
  return context.services.storage;
}

/** The limits readForm applies to a form with files. */
export function uploadLimits(context: AppLoadContext): UploadLimits & { maxBytes: number } {
  const maxBytes = context.services.env.UPLOAD_MAX_BYTES;
  return { maxFileBytes: maxBytes, maxFiles: MAX_ATTACHMENTS_PER_RECORD + 1, maxBytes };
}

/** The files chosen in the form's `attachments` input (an empty input sends none). */
export async function uploadedFiles(form: FormData, field = "attachments"): Promise<UploadedFile[]> {
  const files: UploadedFile[] = [];
  for (const value of form.getAll(field)) {
    if (typeof value === "string" || !value.name || value.size === 0) continue;
    files.push({ name: value.name, bytes: new Uint8Array(await value.arrayBuffer()) });
  }
  return files;
}

/** The attachment ids ticked for removal. */
export function removedAttachmentIds(form: FormData): string[] {
  return form.getAll("removeAttachment").filter((v): v is string => typeof v === "string" && v.length > 0);
}

/** Content-Disposition for a download: an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** What ChallengeForm and the bid page need to show the file picker. */
export function attachmentLimits(context: AppLoadContext) {
  const maxBytes = context.services.env.UPLOAD_MAX_BYTES;
  return { maxMegabytes: Math.max(1, Math.floor(maxBytes / (1024 * 1024))), maxFiles: MAX_ATTACHMENTS_PER_RECORD };
}

/** Checks the chosen files before anything is saved, so a bad file changes nothing (throws AppError). */
export function checkUploads(context: AppLoadContext, files: readonly UploadedFile[]): void {
  for (const file of files) inspectUpload(file, context.services.env.UPLOAD_MAX_BYTES);
}

/** Attachment rows for a loader (dates as strings). */
export function attachmentItems(
  items: { id: string; name: string; type: string; size: number; sha256: string; createdAt: Date }[],
) {
  return plain(
    items.map(({ id, name, type, size, sha256, createdAt }) => ({ id, name, type, size, sha256, createdAt })),
  );
}
