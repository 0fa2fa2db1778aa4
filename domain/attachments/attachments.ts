import crypto from "node:crypto";
import type { Actor } from "../access/permissions.ts";
import { recordAudit } from "../audit/record.ts";
import type { Db } from "../db/client.ts";
import { AppError } from "../errors.ts";
import type { ObjectStorage } from "../storage/storage.ts";
import { isFormulaCell, parseCsv } from "../csv.ts";
import {
  ARCHIVE_LIMITS,
  ATTACHMENT_TYPES,
  checkArchive,
  detectAttachmentType,
  extensionOf,
  looksLikeMarkup,
  sanitizeFileName,
  zipEntries,
  type AttachmentType,
} from "./detect.ts";
import { ATTACHMENT_OWNERS, isAttachmentOwnerType, type AttachmentOwnerType } from "./owners.ts";

/**
 * Attachments (ADR 0015): files checked by content, stored through ObjectStorage, one row each.
 * Writing order: the bytes first under a fresh random key, then the row in a transaction; when the
 * transaction fails the written keys are deleted again. A crash between the two leaves at most an
 * unreferenced object under attachments/, which no route can reach (downloads go through rows).
 * Removing: the row goes in a transaction, then the object; a failed object delete is logged by
 * the caller's error handling and leaves the same kind of unreachable object.
 */
export const MAX_ATTACHMENTS_PER_RECORD = 10;

export const ATTACHMENT_ERRORS = {
  empty: "errors.attachment.empty",
  tooLarge: "errors.attachment.tooLarge",
  unsupported: "errors.attachment.unsupported",
  mismatch: "errors.attachment.mismatch",
  tooMany: "errors.attachment.tooMany",
  archiveTooLarge: "errors.attachment.archiveTooLarge",
  archiveTooManyEntries: "errors.attachment.archiveTooManyEntries",
  markup: "errors.attachment.markup",
  csvFormula: "errors.attachment.csvFormula",
  notFound: "errors.attachment.notFound",
  notEditable: "errors.attachment.notEditable",
} as const;

export interface UploadedFile {
  name: string;
  bytes: Uint8Array;
}

export interface InspectedFile {
  name: string;
  type: AttachmentType;
  size: number;
  sha256: string;
  bytes: Uint8Array;
}

export interface AttachmentView {
  id: string;
  ownerType: string;
  ownerId: string;
  name: string;
  type: string;
  size: number;
  sha256: string;
  uploadedById: string;
  createdAt: Date;
}

const FIELD = "attachments";

function refuse(messageKey: string, params: Record<string, string | number>): never {
  throw new AppError("bad_request", messageKey, { params, fieldErrors: { [FIELD]: messageKey } });
}

/**
 * Checks one upload: not empty, not larger than `maxBytes`, content of an accepted type, and a
 * file name whose extension says the same as the content; then what the content holds (ADR 0024):
 * an Office file (ZIP) within the archive limits, text that is not markup, a CSV without formula
 * cells. Pure; throws a bad_request AppError naming the file.
 */
export function inspectUpload(file: UploadedFile, maxBytes: number): InspectedFile {
  const name = sanitizeFileName(file.name);
  if (file.bytes.byteLength === 0) refuse(ATTACHMENT_ERRORS.empty, { name });
  if (file.bytes.byteLength > maxBytes)
    refuse(ATTACHMENT_ERRORS.tooLarge, { name, max: Math.floor(maxBytes / (1024 * 1024)) || 1 });
  const type = detectAttachmentType(file.bytes, name);
  if (!type) refuse(ATTACHMENT_ERRORS.unsupported, { name });
  const extension = extensionOf(name);
  const expected = ATTACHMENT_TYPES[type].extensions as readonly string[];
  if (!expected.includes(extension)) refuse(ATTACHMENT_ERRORS.mismatch, { name, type: expected[0]! });
  checkContent(name, type, file.bytes);
  return {
    name,
    type,
    size: file.bytes.byteLength,
    sha256: crypto.createHash("sha256").update(file.bytes).digest("hex"),
    bytes: file.bytes,
  };
}

function checkContent(name: string, type: AttachmentType, bytes: Uint8Array): void {
  if (type === "docx" || type === "xlsx" || type === "pptx") {
    const problem = checkArchive(bytes, zipEntries(bytes) ?? []);
    if (problem === "tooManyEntries")
      refuse(ATTACHMENT_ERRORS.archiveTooManyEntries, { name, max: ARCHIVE_LIMITS.maxEntries });
    if (problem === "tooLarge")
      refuse(ATTACHMENT_ERRORS.archiveTooLarge, { name, max: ARCHIVE_LIMITS.maxUncompressedBytes / (1024 * 1024) });
    if (problem) refuse(ATTACHMENT_ERRORS.unsupported, { name });
  }
  if (type === "txt" || type === "csv") {
    if (looksLikeMarkup(bytes)) refuse(ATTACHMENT_ERRORS.markup, { name });
  }
  if (type === "csv") {
    const rows = parseCsv(new TextDecoder().decode(bytes));
    const row = rows.findIndex((cells) => cells.some(isFormulaCell));
    if (row >= 0) refuse(ATTACHMENT_ERRORS.csvFormula, { name, row: row + 1 });
  }
}

async function ownerOrThrow(db: Db, ownerType: string, ownerId: string) {
  if (!isAttachmentOwnerType(ownerType)) throw new AppError("not_found", ATTACHMENT_ERRORS.notFound);
  const policy = ATTACHMENT_OWNERS[ownerType];
  const owner = await policy.find(db, ownerId);
  if (!owner) throw new AppError("not_found", ATTACHMENT_ERRORS.notFound);
  return { policy, owner, ownerType };
}

function view(row: AttachmentView): AttachmentView {
  const { id, ownerType, ownerId, name, type, size, sha256, uploadedById, createdAt } = row;
  return { id, ownerType, ownerId, name, type, size, sha256, uploadedById, createdAt };
}

/** Adds checked files to a record the actor may change; all or none are kept. */
export async function addAttachments(options: {
  db: Db;
  storage: ObjectStorage;
  actor: Actor;
  ownerType: AttachmentOwnerType;
  ownerId: string;
  files: readonly UploadedFile[];
  maxBytes: number;
  now?: Date;
}): Promise<AttachmentView[]> {
  const now = options.now ?? new Date();
  const files = options.files.map((f) => inspectUpload(f, options.maxBytes));
  if (files.length === 0) return [];
  const { policy, owner } = await ownerOrThrow(options.db, options.ownerType, options.ownerId);
  if (!(await policy.canRead(options.db, options.actor, owner, now)))
    throw new AppError("not_found", ATTACHMENT_ERRORS.notFound);
  if (!(await policy.canChange(options.db, options.actor, owner, now)))
    throw new AppError("conflict", ATTACHMENT_ERRORS.notEditable);
  const written: string[] = [];
  try {
    const rows = files.map((file) => ({
      id: undefined as string | undefined,
      storageKey: `attachments/${options.ownerType}/${crypto.randomUUID().replace(/-/g, "")}`,
      file,
    }));
    for (const row of rows) {
      await options.storage.put(row.storageKey, row.file.bytes, { contentType: ATTACHMENT_TYPES[row.file.type].mime });
      written.push(row.storageKey);
    }
    return await options.db.$transaction(async (tx) => {
      // Serialise with other changes to the same record, then check again under the lock.
      await tx.$queryRawUnsafe(
        `SELECT pg_advisory_xact_lock(hashtext($1))::text AS locked`,
        `attachments:${options.ownerId}`,
      );
      const fresh = await policy.find(tx, options.ownerId);
      if (!fresh || !(await policy.canChange(tx, options.actor, fresh, now)))
        throw new AppError("conflict", ATTACHMENT_ERRORS.notEditable);
      const existing = await tx.attachment.count({
        where: { ownerType: options.ownerType, ownerId: options.ownerId },
      });
      if (existing + rows.length > MAX_ATTACHMENTS_PER_RECORD)
        refuse(ATTACHMENT_ERRORS.tooMany, { max: MAX_ATTACHMENTS_PER_RECORD });
      const created: AttachmentView[] = [];
      for (const row of rows) {
        const a = await tx.attachment.create({
          data: {
            ownerType: options.ownerType,
            ownerId: options.ownerId,
            name: row.file.name,
            type: row.file.type,
            size: row.file.size,
            sha256: row.file.sha256,
            storageKey: row.storageKey,
            uploadedById: options.actor.userId,
            createdAt: now,
          },
        });
        created.push(view(a));
        await recordAudit(tx, {
          actorId: options.actor.userId,
          action: "attachment.add",
          entityType: "Attachment",
          entityId: a.id,
          zoneId: fresh.zoneId,
          after: {
            ownerType: a.ownerType,
            ownerId: a.ownerId,
            name: a.name,
            type: a.type,
            size: a.size,
            sha256: a.sha256,
          },
        });
      }
      return created;
    });
  } catch (error) {
    await Promise.allSettled(written.map((key) => options.storage.delete(key)));
    throw error;
  }
}

/** Removes a file from a record the actor may still change (a draft challenge, an open bid). */
export async function removeAttachment(options: {
  db: Db;
  storage: ObjectStorage;
  actor: Actor;
  attachmentId: string;
  now?: Date;
}): Promise<void> {
  const now = options.now ?? new Date();
  const row = await options.db.attachment.findUnique({ where: { id: options.attachmentId } });
  if (!row) throw new AppError("not_found", ATTACHMENT_ERRORS.notFound);
  const { policy } = await ownerOrThrow(options.db, row.ownerType, row.ownerId);
  await options.db.$transaction(async (tx) => {
    await tx.$queryRawUnsafe(
      `SELECT pg_advisory_xact_lock(hashtext($1))::text AS locked`,
      `attachments:${row.ownerId}`,
    );
    const owner = await policy.find(tx, row.ownerId);
    if (!owner || !(await policy.canRead(tx, options.actor, owner, now)))
      throw new AppError("not_found", ATTACHMENT_ERRORS.notFound);
    if (!(await policy.canChange(tx, options.actor, owner, now)))
      throw new AppError("conflict", ATTACHMENT_ERRORS.notEditable);
    const deleted = await tx.attachment.deleteMany({ where: { id: row.id } });
    if (deleted.count === 0) throw new AppError("not_found", ATTACHMENT_ERRORS.notFound);
    await recordAudit(tx, {
      actorId: options.actor.userId,
      action: "attachment.remove",
      entityType: "Attachment",
      entityId: row.id,
      zoneId: owner.zoneId,
      before: { ownerType: row.ownerType, ownerId: row.ownerId, name: row.name, sha256: row.sha256 },
    });
  });
  await options.storage.delete(row.storageKey);
}

/**
 * The files of a record for someone who may read it, oldest first, and whether they may change
 * them; a record they may not read answers not_found (sealed bids stay invisible).
 */
export async function listAttachments(options: {
  db: Db;
  actor: Actor | null;
  ownerType: AttachmentOwnerType;
  ownerId: string;
  now?: Date;
}): Promise<{ items: AttachmentView[]; canChange: boolean }> {
  const now = options.now ?? new Date();
  const { policy, owner } = await ownerOrThrow(options.db, options.ownerType, options.ownerId);
  if (!(await policy.canRead(options.db, options.actor, owner, now)))
    throw new AppError("not_found", ATTACHMENT_ERRORS.notFound);
  const rows = await options.db.attachment.findMany({
    where: { ownerType: options.ownerType, ownerId: options.ownerId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return { items: rows.map(view), canChange: await policy.canChange(options.db, options.actor, owner, now) };
}

/** One file's bytes for someone who may read its record, with the detected Content-Type. */
export async function openAttachment(options: {
  db: Db;
  storage: ObjectStorage;
  actor: Actor | null;
  attachmentId: string;
  now?: Date;
}): Promise<{ attachment: AttachmentView; contentType: string; body: ReadableStream<Uint8Array> }> {
  const now = options.now ?? new Date();
  const row = await options.db.attachment.findUnique({ where: { id: options.attachmentId } });
  if (!row) throw new AppError("not_found", ATTACHMENT_ERRORS.notFound);
  const { policy, owner } = await ownerOrThrow(options.db, row.ownerType, row.ownerId);
  if (!(await policy.canRead(options.db, options.actor, owner, now)))
    throw new AppError("not_found", ATTACHMENT_ERRORS.notFound);
  const body = await options.storage.get(row.storageKey);
  if (!body) throw new AppError("not_found", ATTACHMENT_ERRORS.notFound);
  const type = row.type as AttachmentType;
  return {
    attachment: view(row),
    contentType: ATTACHMENT_TYPES[type]?.mime ?? "application/octet-stream",
    body,
  };
}
