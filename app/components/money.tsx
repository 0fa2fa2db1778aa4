import { FEN_PER_WAN, formatWanYuan, formatYuan } from "#domain/money/money.ts";

/** Loaders send fen as decimal strings (bigint does not survive JSON); this turns them back. */
export function fen(value: string | bigint): bigint {
  return typeof value === "bigint" ? value : BigInt(value);
}

/** 120万元 when exact to two places of 万, else ≈123.46万元. */
function wanText(amount: bigint): string {
  const exact = formatWanYuan(amount);
  return /\.\d{3,}/.test(exact) ? `≈${formatWanYuan(amount, { decimals: 2 })}` : exact;
}

/**
 * An amount of money: ¥1,234.56, and for sums of 10万元 or more also the 万元 form the policy
 * texts use (¥1,200,000.00 · 120万元). `signed` shows a plus sign on credits (statements).
 */
export function Money({ value, signed, wan = true }: { value: string | bigint; signed?: boolean; wan?: boolean }) {
  const amount = fen(value);
  const abs = amount < 0n ? -amount : amount;
  const text = `${signed && amount > 0n ? "+" : ""}${formatYuan(amount)}`;
  return (
    <span className={`money${amount < 0n ? " negative" : ""}`}>
      {text}
      {wan && abs >= 10n * FEN_PER_WAN ? <span className="muted small"> · {wanText(amount)}</span> : null}
    </span>
  );
}
