import type { Actor } from "../access/permissions.ts";
import type { DbOrTx } from "../db/client.ts";
import { bidAttachments, challengeAttachments } from "../challenges/attachment-owners.ts";

/**
 * Who may read and change the files of each kind of record. A new kind (e.g. a tech-transfer
 * offer) adds its policy here; the table, storage, verbs and download route stay the same.
 */
export interface AttachmentOwnerPolicy {
  /** The owner record (for the checks) and its zone (for the audit log), or null when missing. */
  find(tx: DbOrTx, id: string): Promise<{ zoneId: string | null; record: unknown } | null>;
  canRead(tx: DbOrTx, actor: Actor | null, owner: { record: unknown }, now: Date): Promise<boolean>;
  canChange(tx: DbOrTx, actor: Actor | null, owner: { record: unknown }, now: Date): Promise<boolean>;
}

export const ATTACHMENT_OWNERS = {
  challenge: challengeAttachments,
  bid: bidAttachments,
} satisfies Record<string, AttachmentOwnerPolicy>;

export type AttachmentOwnerType = keyof typeof ATTACHMENT_OWNERS;

export function isAttachmentOwnerType(value: string): value is AttachmentOwnerType {
  return Object.hasOwn(ATTACHMENT_OWNERS, value);
}
