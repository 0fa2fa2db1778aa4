import { useT } from "../utils/i18n.tsx";

/** Instalment rows of the terms form (no JavaScript: empty rows are ignored). */
export const INSTALMENT_ROWS = 4;

/** An offer's, deal's or instalment's status as a coloured badge. */
export function OfferStatusBadge({ status }: { status: string }) {
  const t = useT();
  return <span className={`badge offer-${status}`}>{t(`transfer.offerStatus.${status}`)}</span>;
}

export function DealStatusBadge({ status }: { status: string }) {
  const t = useT();
  return <span className={`badge deal-${status}`}>{t(`transfer.dealStatus.${status}`)}</span>;
}

export function InstalmentStatusBadge({ status }: { status: string }) {
  const t = useT();
  return <span className={`badge instalment-${status}`}>{t(`transfer.instalmentStatus.${status}`)}</span>;
}
