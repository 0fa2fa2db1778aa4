/**
 * Mail texts in zh-CN (first) and English. Mail is rendered by workers, outside the web app's
 * i18n, so its texts live here; docs/i18n-keys-jobs.md lists them by key for the translators.
 * `{name}` placeholders are filled from the template's params.
 */
export const mailLocales = ["zh-CN", "en"] as const;
export type MailLocale = (typeof mailLocales)[number];

export const mailMessages: Record<MailLocale, Record<string, string>> = {
  "zh-CN": {
    "mail.signature": "揭榜 · 高新区技术市场",
    "mail.automatic": "此邮件由系统自动发送，请勿直接回复。",
    "mail.greeting": "您好：",
    "mail.greetingNamed": "{name}，您好：",
    "mail.passwordReset.subject": "重置您的揭榜平台密码",
    "mail.passwordReset.body":
      "我们收到了重置您账户密码的请求。请在 {expiresInMinutes} 分钟内打开下面的链接设置新密码：",
    "mail.passwordReset.action": "设置新密码",
    "mail.passwordReset.ignore": "如果这不是您本人的操作，请忽略此邮件，您的密码不会改变。",
    "mail.invitation.subject": "{inviterName} 邀请您加入 {organisationName}",
    "mail.invitation.body":
      "{inviterName} 邀请您以成员身份加入揭榜平台上的「{organisationName}」。请在 {expiresInDays} 天内打开下面的链接接受邀请：",
    "mail.invitation.action": "接受邀请",
    "mail.invitation.ignore": "如果您不认识邀请人，请忽略此邮件。",
    "mail.matchDigest.subject": "揭榜平台为您找到 {count} 个新的匹配",
    "mail.matchDigest.body":
      "根据研究领域、行业、所在高新区和过往揭榜记录，平台今天为您找到 {count} 个新的匹配，最匹配的是「{top}」。打开下面的链接查看匹配理由：",
    "mail.matchDigest.action": "查看匹配",
    "mail.matchDigest.ignore": "每个匹配只提醒一次；每天最多一封。",
  },
  en: {
    "mail.signature": "Jiebang · the high-tech zones' technology market",
    "mail.automatic": "This message was sent automatically; please do not reply.",
    "mail.greeting": "Hello,",
    "mail.greetingNamed": "Hello {name},",
    "mail.passwordReset.subject": "Reset your Jiebang password",
    "mail.passwordReset.body":
      "We received a request to reset your password. Open the link below within {expiresInMinutes} minutes to choose a new one:",
    "mail.passwordReset.action": "Choose a new password",
    "mail.passwordReset.ignore": "If you did not ask for this, ignore this message; your password will not change.",
    "mail.invitation.subject": "{inviterName} invited you to join {organisationName}",
    "mail.invitation.body":
      "{inviterName} invited you to join “{organisationName}” on Jiebang as a member. Open the link below within {expiresInDays} days to accept:",
    "mail.invitation.action": "Accept the invitation",
    "mail.invitation.ignore": "If you do not know who invited you, ignore this message.",
    "mail.matchDigest.subject": "Jiebang found {count} new matches for you",
    "mail.matchDigest.body":
      "From research fields, industry, zone and past results, Jiebang found {count} new matches for you today; the best is “{top}”. Open the link below to see why they match:",
    "mail.matchDigest.action": "See the matches",
    "mail.matchDigest.ignore": "Each match is announced once, in at most one message a day.",
  },
};
