import { AppError } from "../errors.ts";

/**
 * Ledger account addresses (docs/decisions/0006-ledger.md). Each known kind fixes the account's
 * type, normal side and flags, so an account of a known kind is created the first time a
 * transaction names it. Ids are the business records' ids (cuid, uuid or digits).
 */
export type AccountType = "asset" | "liability" | "equity" | "revenue" | "expense";
export type Side = "debit" | "credit";
export type AccountFlags = "none" | "debits_must_not_exceed_credits" | "credits_must_not_exceed_debits";

export interface AccountSpec {
  kind: AccountKind;
  type: AccountType;
  normalSide: Side;
  flags: AccountFlags;
}

const ID = "[A-Za-z0-9_-]{1,64}";
const N = "[1-9][0-9]{0,3}";

// Money the platform holds for someone is a liability (credit-normal) that may never go below zero:
// its debits must not exceed its credits. platform:bank is the bank account itself (an asset): it
// can never pay out more than came in.
const KINDS = {
  orgWallet: {
    pattern: `org:${ID}:wallet`,
    type: "liability",
    normalSide: "credit",
    flags: "debits_must_not_exceed_credits",
  },
  userWallet: {
    pattern: `user:${ID}:wallet`,
    type: "liability",
    normalSide: "credit",
    flags: "debits_must_not_exceed_credits",
  },
  challengeEscrow: {
    pattern: `escrow:challenge:${ID}:milestone:${N}`,
    type: "liability",
    normalSide: "credit",
    flags: "debits_must_not_exceed_credits",
  },
  dealEscrow: {
    pattern: `escrow:deal:${ID}:instalment:${N}`,
    type: "liability",
    normalSide: "credit",
    flags: "debits_must_not_exceed_credits",
  },
  // Deposits of an auction's winner between the close and the deal's funding (ADR 0019).
  auctionDeposits: {
    pattern: `escrow:auction:${ID}`,
    type: "liability",
    normalSide: "credit",
    flags: "debits_must_not_exceed_credits",
  },
  zoneBudget: {
    pattern: `zone:${ID}:budget:[a-z0-9-]{1,40}:(?:19|20)[0-9]{2}`,
    type: "liability",
    normalSide: "credit",
    flags: "debits_must_not_exceed_credits",
  },
  voucher: {
    pattern: `voucher:${ID}`,
    type: "liability",
    normalSide: "credit",
    flags: "debits_must_not_exceed_credits",
  },
  platformFees: {
    pattern: "platform:fees",
    type: "revenue",
    normalSide: "credit",
    flags: "debits_must_not_exceed_credits",
  },
  platformBank: {
    pattern: "platform:bank",
    type: "asset",
    normalSide: "debit",
    flags: "credits_must_not_exceed_debits",
  },
  // Where corrections and write-offs go when no other account fits; finance investigates its balance.
  platformSuspense: { pattern: "platform:suspense", type: "equity", normalSide: "credit", flags: "none" },
} as const satisfies Record<string, { pattern: string; type: AccountType; normalSide: Side; flags: AccountFlags }>;

export type AccountKind = keyof typeof KINDS;

const MATCHERS = Object.entries(KINDS).map(([kind, spec]) => ({
  kind: kind as AccountKind,
  regex: new RegExp(`^${spec.pattern}$`),
  spec,
}));

// Hot paths validate the same few addresses over and over: remember the answers (bounded).
const specCache = new Map<string, AccountSpec | null>();

/** The spec of a valid address, or undefined for anything else. */
export function accountSpec(address: string): AccountSpec | undefined {
  if (typeof address !== "string" || address.length > 200) return undefined;
  const cached = specCache.get(address);
  if (cached !== undefined) return cached ?? undefined;
  let found: AccountSpec | undefined;
  for (const { kind, regex, spec } of MATCHERS) {
    if (regex.test(address)) {
      found = Object.freeze({ kind, type: spec.type, normalSide: spec.normalSide, flags: spec.flags });
      break;
    }
  }
  if (specCache.size >= 50_000) specCache.clear();
  specCache.set(address, found ?? null);
  return found;
}

export function isValidAddress(address: string): boolean {
  return accountSpec(address) !== undefined;
}

/** The spec, or a bad_request AppError naming the address. */
export function requireAccountSpec(address: string): AccountSpec {
  const spec = accountSpec(address);
  if (!spec)
    throw new AppError("bad_request", "errors.ledger.invalidAddress", { params: { address: String(address) } });
  return spec;
}

function id(value: string, what: string): string {
  if (!new RegExp(`^${ID}$`).test(value))
    throw new AppError("bad_request", "errors.ledger.invalidAddress", { params: { address: `${what}:${value}` } });
  return value;
}

function positive(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 9999)
    throw new AppError("bad_request", "errors.ledger.invalidAddress", { params: { address: String(n) } });
  return n;
}

export const PLATFORM_BANK = "platform:bank";
export const PLATFORM_FEES = "platform:fees";
export const PLATFORM_SUSPENSE = "platform:suspense";

export const addresses = {
  orgWallet: (orgId: string) => `org:${id(orgId, "org")}:wallet`,
  userWallet: (userId: string) => `user:${id(userId, "user")}:wallet`,
  challengeEscrow: (challengeId: string, milestone: number) =>
    `escrow:challenge:${id(challengeId, "challenge")}:milestone:${positive(milestone)}`,
  dealEscrow: (dealId: string, instalment: number) =>
    `escrow:deal:${id(dealId, "deal")}:instalment:${positive(instalment)}`,
  auctionDeposits: (auctionId: string) => `escrow:auction:${id(auctionId, "auction")}`,
  zoneBudget: (zoneId: string, programme: string, year: number) => {
    const address = `zone:${id(zoneId, "zone")}:budget:${programme}:${year}`;
    requireAccountSpec(address);
    return address;
  },
  voucher: (voucherId: string) => `voucher:${id(voucherId, "voucher")}`,
  platformBank: () => PLATFORM_BANK,
  platformFees: () => PLATFORM_FEES,
  platformSuspense: () => PLATFORM_SUSPENSE,
};

/** Balance in the account's own sense: credit-normal accounts count credits minus debits. */
export function signedBalance(normalSide: Side, debits: bigint, credits: bigint): bigint {
  return normalSide === "credit" ? credits - debits : debits - credits;
}
