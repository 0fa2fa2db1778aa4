import { z } from "zod";
import { mailLocales } from "#domain/mail/messages.ts";
import { sendMail } from "#domain/mail/send-mail.ts";
import { mailTemplateNames } from "#domain/mail/templates.ts";
import { defineJob } from "../jobs.ts";

/** The first real job: one templated mail (password reset, invitation), sent at most once per outbox row. */
export const mailSend = defineJob({
  name: "mail.send",
  payload: z.object({
    to: z.string().email(),
    template: z.enum(mailTemplateNames),
    locale: z.enum(mailLocales),
    params: z.record(z.string(), z.string()),
  }),
  async process(payload, ctx) {
    const result = await sendMail({
      db: ctx.db,
      transport: ctx.mail,
      to: payload.to,
      template: payload.template,
      locale: payload.locale,
      params: payload.params,
      appUrl: ctx.env.APP_URL,
      dedupeKey: ctx.idempotencyKey,
    });
    ctx.log.info(
      { messageId: result.messageId, sent: result.sent, template: payload.template },
      result.sent ? "mail sent" : "mail already sent",
    );
  },
});
