import { Prisma } from "#db/generated/client/client.ts";
import type { Db } from "../db/client.ts";
import type { MailLocale } from "./messages.ts";
import { type MailTemplateName, renderMail } from "./templates.ts";
import type { MailTransport } from "./transport.ts";

export interface SendMailOptions {
  db: Db;
  transport: MailTransport;
  to: string;
  template: MailTemplateName;
  locale: MailLocale;
  params: Record<string, string>;
  appUrl: string;
  /**
   * Stable for one logical message (the job's "ob-<id>"): becomes the MailMessage id, so a
   * retried or duplicated job finds the message already sent and sends nothing.
   */
  dedupeKey: string;
}

export interface SendMailResult {
  /** False when a message with this dedupe key was sent before. */
  sent: boolean;
  messageId: string;
}

/**
 * Renders and sends one message and records it in MailMessage, at most once per dedupe key.
 * The row is inserted and the message sent inside one transaction: a failed send rolls the row
 * back (the job retries), and a concurrent duplicate waits on the row's key and then finds it.
 * Only a crash after the SMTP server accepted the message but before the commit can send it twice;
 * no mail protocol offers better than that.
 */
export async function sendMail(options: SendMailOptions): Promise<SendMailResult> {
  const { db, transport, dedupeKey } = options;
  const messageId = `mail-${dedupeKey}`;
  const existing = await db.mailMessage.findUnique({ where: { id: messageId }, select: { id: true } });
  if (existing) return { sent: false, messageId };

  const rendered = renderMail({
    template: options.template,
    locale: options.locale,
    params: options.params,
    appUrl: options.appUrl,
  });
  try {
    await db.$transaction(
      async (tx) => {
        await tx.mailMessage.create({
          data: {
            id: messageId,
            to: options.to,
            subject: rendered.subject,
            text: rendered.text,
            html: rendered.html ?? null,
            transport: transport.kind,
          },
        });
        await transport.send({ to: options.to, ...rendered });
      },
      { maxWait: 10_000, timeout: 60_000 },
    );
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")
      return { sent: false, messageId };
    throw error;
  }
  return { sent: true, messageId };
}
