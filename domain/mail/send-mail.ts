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
  /** A claim older than this is taken to belong to a run that died mid-send. Default 2 minutes. */
  claimLeaseMs?: number;
  now?: () => Date;
}

export interface SendMailResult {
  /** False when a message with this dedupe key was sent before. */
  sent: boolean;
  messageId: string;
}

/**
 * Renders and sends one message, at most once per dedupe key once the transport acknowledged it
 * (ADR 0026). No database transaction is open during the SMTP exchange:
 * 1. the message row is written with status "sending" and claimed by this run (a short statement);
 * 2. the transport sends it;
 * 3. the row becomes "sent".
 * A retry finds "sent" and sends nothing. A concurrent duplicate finds the claim and waits for
 * the outcome. A failed send releases the claim (the job retries). Only a crash between the
 * transport's acknowledgement and step 3 sends twice; no mail protocol offers better than that.
 */
export async function sendMail(options: SendMailOptions): Promise<SendMailResult> {
  const { db, transport, dedupeKey } = options;
  const now = options.now ?? (() => new Date());
  const leaseMs = options.claimLeaseMs ?? 120_000;
  const messageId = `mail-${dedupeKey}`;
  const existing = await db.mailMessage.findUnique({ where: { id: messageId }, select: { status: true } });
  if (existing?.status === "sent") return { sent: false, messageId };

  const rendered = renderMail({
    template: options.template,
    locale: options.locale,
    params: options.params,
    appUrl: options.appUrl,
  });
  const deadline = Date.now() + leaseMs + 5_000;
  for (;;) {
    const claim = await claimMessage(db, {
      id: messageId,
      data: {
        to: options.to,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html ?? null,
        transport: transport.kind,
      },
      now: now(),
      leaseMs,
    });
    if (claim === "sent") return { sent: false, messageId };
    if (claim === "claimed") break;
    // Another run is sending it right now: wait for its outcome rather than send a second copy.
    if (Date.now() > deadline) throw new Error(`Mail ${messageId} is still being sent by another run`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    await transport.send({ to: options.to, ...rendered });
  } catch (error) {
    await db.mailMessage.updateMany({ where: { id: messageId, status: "sending" }, data: { claimedAt: null } });
    throw error;
  }
  await db.mailMessage.update({ where: { id: messageId }, data: { status: "sent", sentAt: now(), claimedAt: null } });
  return { sent: true, messageId };
}

async function claimMessage(
  db: Db,
  options: {
    id: string;
    data: { to: string; subject: string; text: string; html: string | null; transport: string };
    now: Date;
    leaseMs: number;
  },
): Promise<"claimed" | "sent" | "busy"> {
  const { id, now } = options;
  try {
    await db.mailMessage.create({ data: { id, ...options.data, status: "sending", claimedAt: now } });
    return "claimed";
  } catch (error) {
    if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
  }
  const { count } = await db.mailMessage.updateMany({
    where: {
      id,
      status: "sending",
      OR: [{ claimedAt: null }, { claimedAt: { lt: new Date(now.getTime() - options.leaseMs) } }],
    },
    data: { claimedAt: now },
  });
  if (count === 1) return "claimed";
  const row = await db.mailMessage.findUnique({ where: { id }, select: { status: true } });
  return row?.status === "sent" ? "sent" : "busy";
}
