import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import { listDevMailbox } from "#domain/mail/dev-mailbox.ts";
import { mailLocales, mailMessages } from "#domain/mail/messages.ts";
import { sendMail } from "#domain/mail/send-mail.ts";
import { renderMail } from "#domain/mail/templates.ts";
import {
  createLogTransport,
  createMailTransport,
  type MailTransport,
  type OutgoingMail,
} from "#domain/mail/transport.ts";

describe("mail templates", () => {
  it("renders the password reset in zh-CN and English with the link under APP_URL", () => {
    const zh = renderMail({
      template: "password-reset",
      locale: "zh-CN",
      params: { resetPath: "/reset/tok123", name: "李雷" },
      appUrl: "https://jiebang.example.cn/",
    });
    expect(zh.subject).toBe("重置您的揭榜平台密码");
    expect(zh.text).toContain("李雷，您好：");
    expect(zh.text).toContain("https://jiebang.example.cn/reset/tok123");
    expect(zh.text).toContain("60 分钟");
    const en = renderMail({
      template: "password-reset",
      locale: "en",
      params: { resetPath: "/reset/tok123", expiresInMinutes: "30" },
      appUrl: "http://localhost:3000",
    });
    expect(en.subject).toBe("Reset your Jiebang password");
    expect(en.text).toContain("Hello,");
    expect(en.text).toContain("within 30 minutes");
    expect(en.html).toContain('<a href="http://localhost:3000/reset/tok123">Choose a new password</a>');
  });

  it("escapes HTML in params and refuses links to another host", () => {
    const mail = renderMail({
      template: "invitation",
      locale: "zh-CN",
      params: { invitePath: "/invitations/abc", inviterName: "<script>x</script>", organisationName: "云南省某研究院" },
      appUrl: "https://jiebang.example.cn",
    });
    expect(mail.subject).toBe("<script>x</script> 邀请您加入 云南省某研究院");
    expect(mail.html).not.toContain("<script>");
    expect(() =>
      renderMail({
        template: "password-reset",
        locale: "en",
        params: { resetPath: "//evil.example.com/x" },
        appUrl: "https://jiebang.example.cn",
      }),
    ).toThrow(expect.objectContaining({ messageKey: "errors.mailParamsInvalid" }));
  });

  it("has every message key in both locales", () => {
    const [first, second] = mailLocales.map((locale) => Object.keys(mailMessages[locale]).sort());
    expect(first).toEqual(second);
  });

  it("uses the log transport without SMTP_URL and SMTP with it", () => {
    const log = { info: () => undefined };
    expect(createMailTransport({ from: "a@b.cn", log }).kind).toBe("log");
    expect(createMailTransport({ smtpUrl: "smtp://127.0.0.1:2525", from: "a@b.cn", log }).kind).toBe("smtp");
  });
});

describe("sendMail and the dev mailbox", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  it("sends once per dedupe key, records the message, and the log transport logs it", async () => {
    const logged: object[] = [];
    const transport = createLogTransport({ info: (obj) => void logged.push(obj) });
    const options = {
      db: db.prisma,
      transport,
      to: "Han.Meimei@example.cn",
      template: "password-reset" as const,
      locale: "zh-CN" as const,
      params: { resetPath: "/reset/t1" },
      appUrl: "http://localhost:3000",
      dedupeKey: "ob-1",
    };
    expect(await sendMail(options)).toEqual({ sent: true, messageId: "mail-ob-1" });
    expect(await sendMail(options)).toEqual({ sent: false, messageId: "mail-ob-1" });
    expect(logged).toHaveLength(1);
    const box = await listDevMailbox({ db: db.prisma, to: "han.meimei@example.cn" });
    expect(box).toHaveLength(1);
    expect(box[0]).toMatchObject({ transport: "log", subject: "重置您的揭榜平台密码" });
    expect(box[0]!.text).toContain("http://localhost:3000/reset/t1");
  });

  it("records nothing when the transport fails, so a retry sends", async () => {
    let fail = true;
    const sent: OutgoingMail[] = [];
    const transport: MailTransport = {
      kind: "smtp",
      async send(message) {
        if (fail) throw new Error("SMTP 421 try again later");
        sent.push(message);
      },
      async close() {},
    };
    const options = {
      db: db.prisma,
      transport,
      to: "zhang.wei@example.cn",
      template: "password-reset" as const,
      locale: "en" as const,
      params: { resetPath: "/reset/t2" },
      appUrl: "http://localhost:3000",
      dedupeKey: "ob-2",
    };
    await expect(sendMail(options)).rejects.toThrow("SMTP 421");
    expect(await listDevMailbox({ db: db.prisma, to: "zhang.wei@example.cn" })).toHaveLength(0);
    fail = false;
    expect((await sendMail(options)).sent).toBe(true);
    expect(sent).toHaveLength(1);
  });

  it("sends once when the same job runs twice at the same time", async () => {
    let sends = 0;
    const transport: MailTransport = {
      kind: "log",
      async send() {
        sends++;
        await new Promise((resolve) => setTimeout(resolve, 100));
      },
      async close() {},
    };
    const options = {
      db: db.prisma,
      transport,
      to: "zhao.lei@example.cn",
      template: "password-reset" as const,
      locale: "en" as const,
      params: { resetPath: "/reset/t3" },
      appUrl: "http://localhost:3000",
      dedupeKey: "ob-3",
    };
    const results = await Promise.all([sendMail(options), sendMail(options)]);
    expect(results.map((r) => r.sent).sort()).toEqual([false, true]);
    expect(sends).toBe(1);
    expect(await listDevMailbox({ db: db.prisma, to: "zhao.lei@example.cn" })).toHaveLength(1);
  });
  it("holds no database transaction during the SMTP exchange: the claim is committed before it", async () => {
    const seen: (string | undefined)[] = [];
    const transport: MailTransport = {
      kind: "smtp",
      async send() {
        // Read through the shared client: an open transaction would hide the uncommitted row.
        const row = await db.prisma.mailMessage.findUnique({ where: { id: "mail-ob-4" } });
        seen.push(row?.status);
      },
      async close() {},
    };
    const options = {
      db: db.prisma,
      transport,
      to: "qian.li@example.cn",
      template: "password-reset" as const,
      locale: "en" as const,
      params: { resetPath: "/reset/t4" },
      appUrl: "http://localhost:3000",
      dedupeKey: "ob-4",
    };
    expect((await sendMail(options)).sent).toBe(true);
    expect(seen).toEqual(["sending"]);
    const row = await db.prisma.mailMessage.findUniqueOrThrow({ where: { id: "mail-ob-4" } });
    expect(row.status).toBe("sent");
    expect(row.sentAt).toBeInstanceOf(Date);
    // A retry after the acknowledged send (the job ran again) mails nothing.
    expect((await sendMail(options)).sent).toBe(false);
    expect(seen).toHaveLength(1);
  });

  it("sends a message whose earlier run died mid-send once its claim is old, and not before", async () => {
    await db.prisma.mailMessage.create({
      data: {
        id: "mail-ob-5",
        to: "sun.yu@example.cn",
        subject: "s",
        text: "t",
        transport: "smtp",
        status: "sending",
        claimedAt: new Date(Date.now() - 10 * 60_000),
      },
    });
    let sends = 0;
    const transport: MailTransport = {
      kind: "smtp",
      async send() {
        sends++;
      },
      async close() {},
    };
    const options = {
      db: db.prisma,
      transport,
      to: "sun.yu@example.cn",
      template: "password-reset" as const,
      locale: "en" as const,
      params: { resetPath: "/reset/t5" },
      appUrl: "http://localhost:3000",
      dedupeKey: "ob-5",
    };
    expect(await listDevMailbox({ db: db.prisma, to: "sun.yu@example.cn" })).toHaveLength(0);
    expect((await sendMail(options)).sent).toBe(true);
    expect(sends).toBe(1);
    expect(await listDevMailbox({ db: db.prisma, to: "sun.yu@example.cn" })).toHaveLength(1);
  });
});
