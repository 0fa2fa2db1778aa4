import type { AppLoadContext } from "@remix-run/node";
import type { StatementPage } from "#domain/ledger/read.ts";
import { isAppError } from "#domain/errors.ts";
import { accountStatement } from "../domain.server.ts";

/** What the statement table shows, with fen as decimal strings (bigint does not survive JSON). */
export interface StatementView {
  openingBalance: string;
  closingBalance: string;
  nextCursor: string | null;
  lines: {
    transactionId: string;
    index: number;
    createdAt: string;
    code: string;
    counterparty: string;
    amount: string;
    balance: string;
    bankReference: string | null;
  }[];
}

export interface DateRange {
  from?: Date;
  to?: Date;
  /** The dates as typed (YYYY-MM-DD, Asia/Shanghai), to refill the filter form. */
  fromText: string;
  toText: string;
  /** Translation keys per field for a date that is not a date. */
  errors: Record<string, string>;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function shanghaiMidnight(text: string): Date | undefined {
  if (!DATE.test(text)) return undefined;
  const date = new Date(`${text}T00:00:00+08:00`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** `from` and `to` query parameters as whole days in Asia/Shanghai; `to` includes its day. */
export function parseDateRange(url: URL): DateRange {
  const fromText = (url.searchParams.get("from") ?? "").trim();
  const toText = (url.searchParams.get("to") ?? "").trim();
  const errors: Record<string, string> = {};
  const from = fromText ? shanghaiMidnight(fromText) : undefined;
  if (fromText && !from) errors.from = "ledger.badDate";
  const toStart = toText ? shanghaiMidnight(toText) : undefined;
  if (toText && !toStart) errors.to = "ledger.badDate";
  const to = toStart ? new Date(toStart.getTime() + 24 * 60 * 60 * 1000) : undefined;
  if (from && to && to <= from) errors.to = "ledger.badRange";
  return { from, to: errors.to ? undefined : to, fromText, toText, errors };
}

/** Today's date in Asia/Shanghai, YYYY-MM-DD (for file names). */
export function shanghaiToday(now = new Date()): string {
  return new Date(now.getTime() + 8 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

function toView(page: StatementPage): StatementView {
  return {
    openingBalance: page.openingBalance.toString(),
    closingBalance: page.closingBalance.toString(),
    nextCursor: page.nextCursor,
    lines: page.lines.map((l) => {
      const metadata = (l.metadata ?? {}) as Record<string, unknown>;
      return {
        transactionId: l.transactionId.toString(),
        index: l.index,
        createdAt: l.createdAt.toISOString(),
        code: l.code,
        counterparty: l.counterparty,
        amount: l.amount.toString(),
        balance: l.balance.toString(),
        bankReference: typeof metadata.bankReference === "string" ? metadata.bankReference : null,
      };
    }),
  };
}

/** A page of an account's statement for a loader; an account never used has an empty one. */
export async function loadStatement(
  context: AppLoadContext,
  options: { address: string; range: DateRange; after: string | null; limit?: number },
): Promise<StatementView> {
  try {
    const page = await accountStatement({
      db: context.services.database.prisma,
      address: options.address,
      from: options.range.from,
      to: options.range.to,
      after: options.after,
      limit: options.limit ?? 20,
    });
    return toView(page);
  } catch (error) {
    if (isAppError(error) && error.code === "not_found")
      return { openingBalance: "0", closingBalance: "0", nextCursor: null, lines: [] };
    if (isAppError(error) && error.messageKey === "errors.badCursor") throw new Response(null, { status: 400 });
    throw error;
  }
}
