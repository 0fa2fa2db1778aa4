import type { DbOrTx } from "../db/client.ts";

export interface DevMailboxEntry {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  transport: string;
  createdAt: Date;
}

/**
 * The mail the platform sent, newest first, for the dev mailbox page (outside production only:
 * the page checks NODE_ENV; this reads whatever was recorded).
 */
export async function listDevMailbox(options: {
  db: DbOrTx;
  to?: string | undefined;
  limit?: number;
}): Promise<DevMailboxEntry[]> {
  return options.db.mailMessage.findMany({
    where: {
      status: "sent",
      ...(options.to ? { to: { equals: options.to.trim(), mode: "insensitive" as const } } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(options.limit ?? 50, 1), 500),
  });
}

export async function getDevMailMessage(options: { db: DbOrTx; id: string }): Promise<DevMailboxEntry | null> {
  return options.db.mailMessage.findUnique({ where: { id: options.id } });
}
