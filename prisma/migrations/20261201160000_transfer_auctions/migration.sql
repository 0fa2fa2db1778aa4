-- AlterTable
ALTER TABLE "TransferAuction" ADD COLUMN     "createdById" TEXT,
ADD COLUMN     "instalmentPlan" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "licenceKind" "TransferLicenceKind",
ADD COLUMN     "mode" "TransferDealMode" NOT NULL DEFAULT 'transfer',
ADD COLUMN     "originalEndsAt" TIMESTAMP(3),
ADD COLUMN     "statusReason" TEXT,
ADD COLUMN     "terms" TEXT NOT NULL DEFAULT '';

-- Hand-written: the auction's amounts and times (ADR 0019).
ALTER TABLE "TransferAuction" ADD CONSTRAINT "TransferAuction_amounts_check"
  CHECK ("reserveFen" > 0 AND "minIncrementFen" > 0 AND "depositFen" > 0
    AND "endsAt" > "startsAt"
    AND "extensionWindowSeconds" BETWEEN 0 AND 86400 AND "extensionSeconds" BETWEEN 0 AND 86400
    AND "signWithinHours" BETWEEN 1 AND 720);
ALTER TABLE "TransferAuctionBid" ADD CONSTRAINT "TransferAuctionBid_amount_check" CHECK ("amountFen" > 0);
