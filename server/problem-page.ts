import type { Request as ExpressRequest, Response as ExpressResponse } from "express";

/**
 * The pages the HTTP layer answers before Remix runs (refused origin, body too large, a type of
 * body no form sends, an error outside any route). Nothing imports app/ (DESIGN.md), so these few
 * messages live here, in both languages, Chinese first unless the visitor chose English
 * (the `jb_lang` cookie of app/utils/locale.server.ts).
 */
export type Problem = "foreignOrigin" | "tooLarge" | "unsupportedType" | "serverError";

const MESSAGES: Record<Problem, { zh: [string, string]; en: [string, string] }> = {
  foreignOrigin: {
    zh: ["请求来源无法验证", "这个请求不是从本站页面发出的，已被拒绝。请回到本站页面重新操作。"],
    en: [
      "Request refused",
      "This request did not come from a page of this site and was refused. Go back to the site and try again.",
    ],
  },
  tooLarge: {
    zh: ["提交的内容过大", "提交的内容超过 {limit} 的上限，未被处理。请减小附件或内容后重试。"],
    en: ["Too large", "What was sent is over the {limit} limit and was not processed. Send less and try again."],
  },
  unsupportedType: {
    zh: ["无法读取提交的内容", "只接受网页表单提交的内容（{type} 不受支持），未做任何更改。"],
    en: ["Cannot read this submission", "Only web forms are accepted here ({type} is not); nothing was changed."],
  },
  serverError: {
    zh: ["出错了", "服务器处理请求时出错，我们已记录此问题。请稍后再试。请求编号：{requestId}"],
    en: [
      "Something went wrong",
      "The server failed to handle the request; it has been logged. Request id: {requestId}",
    ],
  },
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fill(text: string, params: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (_m, name: string) => params[name] ?? "");
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`
    : `${Math.ceil(bytes / 1024)} KiB`;
}

export function sendProblem(
  req: ExpressRequest,
  res: ExpressResponse,
  status: number,
  problem: Problem,
  details: { limit?: number; type?: string } = {},
): void {
  const params: Record<string, string> = {
    limit: details.limit === undefined ? "" : formatBytes(details.limit),
    type: details.type ?? "",
    requestId: String(req.id ?? ""),
  };
  const english = /(?:^|;\s*)jb_lang=en(?:;|$)/.test(req.get("cookie") ?? "");
  const { zh, en } = MESSAGES[problem];
  const order = english ? [en, zh] : [zh, en];
  const lang = english ? "en" : "zh-CN";
  const sections = order
    .map(([title, body]) => `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(fill(body, params))}</p>`)
    .join("\n");
  res
    .status(status)
    .type("text/html; charset=utf-8")
    .send(
      `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(order[0]![0])}</title></head>` +
        `<body data-problem="${problem}">${sections}<p><a href="/">揭榜 · jiebang</a></p></body></html>`,
    );
}
