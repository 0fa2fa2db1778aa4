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
    "mail.verifyEmail.subject": "请验证您在揭榜平台注册的邮箱",
    "mail.verifyEmail.body": "感谢注册揭榜平台。请在 {expiresInHours} 小时内打开下面的链接验证邮箱，验证后即可登录：",
    "mail.verifyEmail.action": "验证邮箱并登录",
    "mail.verifyEmail.ignore": "如果您没有注册揭榜平台，请忽略此邮件，账户不会启用。",
    "mail.loginUnlock.subject": "您的揭榜平台账户登录已被暂时锁定",
    "mail.loginUnlock.body":
      "您的账户近期出现多次密码错误，登录已被暂时锁定。如果是您本人，请在 1 小时内打开下面的链接解除锁定：",
    "mail.loginUnlock.action": "解除登录锁定",
    "mail.loginUnlock.ignore": "如果这些尝试不是您本人所为，建议登录后修改密码；锁定会在 15 分钟后自动解除。",
    "mail.signupExisting.subject": "有人尝试用您的邮箱注册揭榜平台",
    "mail.signupExisting.body":
      "有人刚刚用此邮箱提交了注册，但此邮箱已有账户，因此没有创建新账户。如果是您本人，请直接登录；忘记密码可在此重置：{resetLink}",
    "mail.signupExisting.action": "登录",
    "mail.signupExisting.ignore": "如果不是您本人的操作，请忽略此邮件，您的账户没有任何变化。",
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
    "mail.verifyEmail.subject": "Verify the email you registered on Jiebang",
    "mail.verifyEmail.body":
      "Thank you for registering on Jiebang. Open the link below within {expiresInHours} hours to verify your email; then you can sign in:",
    "mail.verifyEmail.action": "Verify and sign in",
    "mail.verifyEmail.ignore": "If you did not register on Jiebang, ignore this message; the account stays inactive.",
    "mail.loginUnlock.subject": "Signing in to your Jiebang account is locked for now",
    "mail.loginUnlock.body":
      "There were several wrong passwords for your account recently, so signing in is locked for now. If it was you, open the link below within an hour to lift the lock:",
    "mail.loginUnlock.action": "Lift the lock",
    "mail.loginUnlock.ignore":
      "If these attempts were not yours, consider changing your password after signing in; the lock also lifts by itself after 15 minutes.",
    "mail.signupExisting.subject": "Someone tried to register on Jiebang with your email",
    "mail.signupExisting.body":
      "Someone just submitted a registration with this email, which already has an account, so no new account was made. If it was you, just sign in; if you forgot your password, reset it here: {resetLink}",
    "mail.signupExisting.action": "Sign in",
    "mail.signupExisting.ignore": "If it was not you, ignore this message; nothing changed on your account.",
    "mail.matchDigest.subject": "Jiebang found {count} new matches for you",
    "mail.matchDigest.body":
      "From research fields, industry, zone and past results, Jiebang found {count} new matches for you today; the best is “{top}”. Open the link below to see why they match:",
    "mail.matchDigest.action": "See the matches",
    "mail.matchDigest.ignore": "Each match is announced once, in at most one message a day.",
  },
};
