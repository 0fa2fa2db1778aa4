import nodemailer from "nodemailer";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
}

/** Where mail goes: SMTP when SMTP_URL is set, otherwise the log (and the dev mailbox). */
export interface MailTransport {
  kind: "smtp" | "log";
  send(message: OutgoingMail): Promise<void>;
  close(): Promise<void>;
}

interface MailLogger {
  info(obj: object, msg?: string): void;
}

export interface CreateMailTransportOptions {
  smtpUrl?: string | undefined;
  from: string;
  log: MailLogger;
}

export function createMailTransport(options: CreateMailTransportOptions): MailTransport {
  return options.smtpUrl ? createSmtpTransport(options.smtpUrl, options.from) : createLogTransport(options.log);
}

export function createSmtpTransport(smtpUrl: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(smtpUrl);
  return {
    kind: "smtp",
    async send(message) {
      await transporter.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
      });
    },
    async close() {
      transporter.close();
    },
  };
}

/**
 * Writes the message to the log. `sendMail` records every sent message in MailMessage, which the
 * dev mailbox page reads outside production, so a developer can follow a reset link without SMTP.
 */
export function createLogTransport(log: MailLogger): MailTransport {
  return {
    kind: "log",
    async send(message) {
      log.info({ mail: { to: message.to, subject: message.subject, text: message.text } }, "mail (log transport)");
    },
    async close() {},
  };
}
