import { z } from "zod";
import { AppError } from "../errors.ts";
import { type MailLocale, mailMessages } from "./messages.ts";
import type { OutgoingMail } from "./transport.ts";

/** An app-relative path: one leading '/', so a link can never point at another host. */
const appPath = z.string().regex(/^\/(?!\/)[^\s\\]*$/, "must be a path starting with a single '/'");
const positiveInteger = z.string().regex(/^[1-9][0-9]*$/);

const templateParams = {
  "password-reset": z.object({
    resetPath: appPath,
    name: z.string().max(200).optional(),
    expiresInMinutes: positiveInteger.default("60"),
  }),
  invitation: z.object({
    invitePath: appPath,
    inviterName: z.string().min(1).max(200),
    organisationName: z.string().min(1).max(200),
    expiresInDays: positiveInteger.default("7"),
  }),
  "verify-email": z.object({
    verifyPath: appPath,
    name: z.string().max(200).optional(),
    expiresInHours: positiveInteger.default("48"),
  }),
  "login-unlock": z.object({
    unlockPath: appPath,
    name: z.string().max(200).optional(),
  }),
  "signup-existing": z.object({
    loginPath: appPath,
    resetPath: appPath,
    name: z.string().max(200).optional(),
  }),
  "match-digest": z.object({
    matchesPath: appPath,
    name: z.string().max(200).optional(),
    count: positiveInteger,
    /** The best match's title, quoted in the body. */
    top: z.string().min(1).max(300),
  }),
} as const;

export type MailTemplateName = keyof typeof templateParams;
export const mailTemplateNames = Object.keys(templateParams) as [MailTemplateName, ...MailTemplateName[]];

interface RenderedParts {
  subjectKey: string;
  greeting: { key: string; params: Record<string, string> };
  bodyKey: string;
  actionKey: string;
  link: string;
  ignoreKey: string;
  params: Record<string, string>;
}

export interface RenderMailOptions {
  template: MailTemplateName;
  locale: MailLocale;
  params: Record<string, string>;
  /** The public origin (env APP_URL), without a trailing slash. */
  appUrl: string;
}

/** Renders a template to subject, text and html in the given locale. Bad params are a bad_request AppError. */
export function renderMail(options: RenderMailOptions): Omit<OutgoingMail, "to"> {
  const parts = renderParts(options);
  const t = (key: string, params: Record<string, string> = parts.params) => translate(options.locale, key, params);
  const subject = t(parts.subjectKey);
  const greeting = t(parts.greeting.key, parts.greeting.params);
  const body = t(parts.bodyKey);
  const action = t(parts.actionKey);
  const ignore = t(parts.ignoreKey);
  const footer = `${t("mail.signature")}\n${t("mail.automatic")}`;
  const text = `${greeting}\n\n${body}\n\n${parts.link}\n\n${ignore}\n\n-- \n${footer}\n`;
  const html = [
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(body)}</p>`,
    `<p><a href="${escapeHtml(parts.link)}">${escapeHtml(action)}</a></p>`,
    `<p style="word-break:break-all">${escapeHtml(parts.link)}</p>`,
    `<p>${escapeHtml(ignore)}</p>`,
    `<hr><p style="color:#666">${escapeHtml(t("mail.signature"))}<br>${escapeHtml(t("mail.automatic"))}</p>`,
  ].join("\n");
  return { subject, text, html };
}

function renderParts({ template, params, appUrl }: RenderMailOptions): RenderedParts {
  const origin = appUrl.replace(/\/+$/, "");
  switch (template) {
    case "password-reset": {
      const p = parseParams(template, params);
      return {
        subjectKey: "mail.passwordReset.subject",
        greeting: p.name
          ? { key: "mail.greetingNamed", params: { name: p.name } }
          : { key: "mail.greeting", params: {} },
        bodyKey: "mail.passwordReset.body",
        actionKey: "mail.passwordReset.action",
        ignoreKey: "mail.passwordReset.ignore",
        link: `${origin}${p.resetPath}`,
        params: { expiresInMinutes: p.expiresInMinutes },
      };
    }
    case "invitation": {
      const p = parseParams(template, params);
      return {
        subjectKey: "mail.invitation.subject",
        greeting: { key: "mail.greeting", params: {} },
        bodyKey: "mail.invitation.body",
        actionKey: "mail.invitation.action",
        ignoreKey: "mail.invitation.ignore",
        link: `${origin}${p.invitePath}`,
        params: { inviterName: p.inviterName, organisationName: p.organisationName, expiresInDays: p.expiresInDays },
      };
    }
    case "verify-email": {
      const p = parseParams(template, params);
      return {
        subjectKey: "mail.verifyEmail.subject",
        greeting: p.name
          ? { key: "mail.greetingNamed", params: { name: p.name } }
          : { key: "mail.greeting", params: {} },
        bodyKey: "mail.verifyEmail.body",
        actionKey: "mail.verifyEmail.action",
        ignoreKey: "mail.verifyEmail.ignore",
        link: `${origin}${p.verifyPath}`,
        params: { expiresInHours: p.expiresInHours },
      };
    }
    case "login-unlock": {
      const p = parseParams(template, params);
      return {
        subjectKey: "mail.loginUnlock.subject",
        greeting: p.name
          ? { key: "mail.greetingNamed", params: { name: p.name } }
          : { key: "mail.greeting", params: {} },
        bodyKey: "mail.loginUnlock.body",
        actionKey: "mail.loginUnlock.action",
        ignoreKey: "mail.loginUnlock.ignore",
        link: `${origin}${p.unlockPath}`,
        params: {},
      };
    }
    case "signup-existing": {
      const p = parseParams(template, params);
      return {
        subjectKey: "mail.signupExisting.subject",
        greeting: p.name
          ? { key: "mail.greetingNamed", params: { name: p.name } }
          : { key: "mail.greeting", params: {} },
        bodyKey: "mail.signupExisting.body",
        actionKey: "mail.signupExisting.action",
        ignoreKey: "mail.signupExisting.ignore",
        link: `${origin}${p.loginPath}`,
        params: { resetLink: `${origin}${p.resetPath}` },
      };
    }
    case "match-digest": {
      const p = parseParams(template, params);
      return {
        subjectKey: "mail.matchDigest.subject",
        greeting: p.name
          ? { key: "mail.greetingNamed", params: { name: p.name } }
          : { key: "mail.greeting", params: {} },
        bodyKey: "mail.matchDigest.body",
        actionKey: "mail.matchDigest.action",
        ignoreKey: "mail.matchDigest.ignore",
        link: `${origin}${p.matchesPath}`,
        params: { count: p.count, top: p.top },
      };
    }
  }
}

function parseParams<N extends MailTemplateName>(
  template: N,
  params: Record<string, string>,
): z.infer<(typeof templateParams)[N]> {
  const result = templateParams[template].safeParse(params);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new AppError("bad_request", "errors.mailParamsInvalid", {
      params: { template, field: issue?.path.join(".") ?? "" },
    });
  }
  return result.data as z.infer<(typeof templateParams)[N]>;
}

function translate(locale: MailLocale, key: string, params: Record<string, string>): string {
  const message = mailMessages[locale][key];
  if (message === undefined) throw new Error(`Missing mail message ${key} for ${locale}`);
  return message.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
