-- CreateEnum
CREATE TYPE "TransferRightKind" AS ENUM ('invention_patent', 'utility_model', 'design_patent', 'software_copyright', 'know_how');

-- CreateEnum
CREATE TYPE "TransferRightStatus" AS ENUM ('pending', 'granted', 'lapsed', 'invalidated', 'not_applicable');

-- CreateEnum
CREATE TYPE "TransferDealMode" AS ENUM ('transfer', 'licence', 'equity', 'joint_development');

-- CreateEnum
CREATE TYPE "TransferLicenceKind" AS ENUM ('exclusive', 'sole', 'ordinary');

-- CreateEnum
CREATE TYPE "TransferPricing" AS ENUM ('listed', 'negotiable', 'auction');

-- CreateEnum
CREATE TYPE "TransferOfferVisibility" AS ENUM ('public', 'signed_in');

-- CreateEnum
CREATE TYPE "TransferOfferStatus" AS ENUM ('draft', 'published', 'under_negotiation', 'transferred', 'licensed', 'withdrawn', 'expired');

-- CreateEnum
CREATE TYPE "TransferDealStatus" AS ENUM ('inquiry', 'negotiating', 'terms_agreed', 'signed', 'registered', 'in_progress', 'completed', 'disputed', 'cancelled');

-- CreateEnum
CREATE TYPE "TransferInstalmentStatus" AS ENUM ('pending', 'funded', 'delivered', 'confirmed', 'partially_released', 'refunded');

-- CreateEnum
CREATE TYPE "TransferParty" AS ENUM ('buyer', 'seller', 'broker', 'zone');

-- CreateEnum
CREATE TYPE "BrokerLevel" AS ENUM ('junior', 'intermediate', 'senior');

-- CreateEnum
CREATE TYPE "CommissionPayer" AS ENUM ('buyer', 'seller');

-- CreateEnum
CREATE TYPE "OrganisationRelationKind" AS ENUM ('parent', 'same_legal_representative', 'shareholding');

-- CreateEnum
CREATE TYPE "TransferAuctionStatus" AS ENUM ('scheduled', 'open', 'closed', 'settled', 'forfeited', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "TransferAuctionDepositStatus" AS ENUM ('held', 'applied', 'voided', 'forfeited');

-- CreateTable
CREATE TABLE "TransferOffer" (
    "id" TEXT NOT NULL,
    "zoneId" TEXT NOT NULL,
    "ownerOrganisationId" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "trl" INTEGER NOT NULL,
    "industry" "ChallengeIndustry" NOT NULL,
    "fieldTags" TEXT[],
    "dealModes" "TransferDealMode"[],
    "licenceKinds" "TransferLicenceKind"[],
    "pricing" "TransferPricing" NOT NULL,
    "priceFen" BIGINT,
    "visibility" "TransferOfferVisibility" NOT NULL DEFAULT 'public',
    "status" "TransferOfferStatus" NOT NULL DEFAULT 'draft',
    "statusReason" TEXT,
    "attachments" JSONB NOT NULL DEFAULT '[]',
    "expiresAt" TIMESTAMP(3),
    "publishedAt" TIMESTAMP(3),
    "viewCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TransferOffer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TransferOfferRight" (
    "id" TEXT NOT NULL,
    "offerId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" "TransferRightKind" NOT NULL,
    "number" TEXT NOT NULL,
    "title" TEXT NOT NULL DEFAULT '',
    "legalStatus" "TransferRightStatus" NOT NULL,
    "expiresOn" TIMESTAMP(3),

    CONSTRAINT "TransferOfferRight_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TransferDeal" (
    "id" TEXT NOT NULL,
    "offerId" TEXT NOT NULL,
    "zoneId" TEXT NOT NULL,
    "buyerOrganisationId" TEXT NOT NULL,
    "sellerOrganisationId" TEXT NOT NULL,
    "brokerUserId" TEXT,
    "introductionId" TEXT,
    "createdById" TEXT NOT NULL,
    "mode" "TransferDealMode" NOT NULL,
    "licenceKind" "TransferLicenceKind",
    "priceFen" BIGINT,
    "terms" TEXT,
    "termsVersion" INTEGER NOT NULL DEFAULT 0,
    "termsAgreedAt" TIMESTAMP(3),
    "termsAgreedById" TEXT,
    "buyerSignedAt" TIMESTAMP(3),
    "buyerSignedById" TEXT,
    "sellerSignedAt" TIMESTAMP(3),
    "sellerSignedById" TEXT,
    "registrationNumber" TEXT,
    "registrationDate" TIMESTAMP(3),
    "registeredById" TEXT,
    "feeBasisPoints" INTEGER,
    "relatedParty" BOOLEAN NOT NULL DEFAULT false,
    "relatedPartyBasis" JSONB NOT NULL DEFAULT '[]',
    "auctionId" TEXT,
    "status" "TransferDealStatus" NOT NULL DEFAULT 'inquiry',
    "resumeStatus" "TransferDealStatus",
    "statusReason" TEXT,
    "completedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TransferDeal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TransferInstalment" (
    "id" TEXT NOT NULL,
    "dealId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "amountFen" BIGINT NOT NULL,
    "dueDate" TIMESTAMP(3) NOT NULL,
    "deliverable" TEXT NOT NULL,
    "status" "TransferInstalmentStatus" NOT NULL DEFAULT 'pending',
    "fundTransactionId" BIGINT,
    "fundedAt" TIMESTAMP(3),
    "deliveryNote" TEXT,
    "deliveredAt" TIMESTAMP(3),
    "confirmedAt" TIMESTAMP(3),
    "settleTransactionId" BIGINT,
    "paidToSellerFen" BIGINT,
    "feeFen" BIGINT,
    "commissionFen" BIGINT,
    "refundedFen" BIGINT,
    "settledAt" TIMESTAMP(3),

    CONSTRAINT "TransferInstalment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TransferMessage" (
    "id" TEXT NOT NULL,
    "dealId" TEXT NOT NULL,
    "authorId" TEXT NOT NULL,
    "party" "TransferParty" NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TransferMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TransferDealDispute" (
    "id" TEXT NOT NULL,
    "dealId" TEXT NOT NULL,
    "instalmentIndex" INTEGER NOT NULL,
    "raisedById" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "outcome" "DisputeOutcome",
    "releasedFen" BIGINT,
    "decision" TEXT,
    "decidedById" TEXT,
    "decidedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TransferDealDispute_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BrokerProfile" (
    "userId" TEXT NOT NULL,
    "credentialNumber" TEXT NOT NULL,
    "level" "BrokerLevel" NOT NULL,
    "fields" TEXT[],
    "zoneId" TEXT NOT NULL,
    "agencyOrganisationId" TEXT,
    "bio" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BrokerProfile_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "BrokerIntroduction" (
    "id" TEXT NOT NULL,
    "brokerUserId" TEXT NOT NULL,
    "buyerOrganisationId" TEXT NOT NULL,
    "offerId" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BrokerIntroduction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CommissionAgreement" (
    "id" TEXT NOT NULL,
    "dealId" TEXT,
    "brokerUserId" TEXT NOT NULL,
    "payer" "CommissionPayer" NOT NULL,
    "payerOrganisationId" TEXT NOT NULL,
    "framework" BOOLEAN NOT NULL DEFAULT false,
    "rateBasisPoints" INTEGER,
    "fixedFen" BIGINT,
    "terms" TEXT NOT NULL DEFAULT '',
    "proposedById" TEXT NOT NULL,
    "proposedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "signedById" TEXT,
    "signedAt" TIMESTAMP(3),
    "withdrawnAt" TIMESTAMP(3),

    CONSTRAINT "CommissionAgreement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrganisationRelation" (
    "id" TEXT NOT NULL,
    "fromOrganisationId" TEXT NOT NULL,
    "toOrganisationId" TEXT NOT NULL,
    "kind" "OrganisationRelationKind" NOT NULL,
    "sharePercentBp" INTEGER,
    "note" TEXT NOT NULL DEFAULT '',
    "declaredById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrganisationRelation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TransferAuction" (
    "id" TEXT NOT NULL,
    "offerId" TEXT NOT NULL,
    "reserveFen" BIGINT NOT NULL,
    "minIncrementFen" BIGINT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "extensionWindowSeconds" INTEGER NOT NULL DEFAULT 300,
    "extensionSeconds" INTEGER NOT NULL DEFAULT 300,
    "signWithinHours" INTEGER NOT NULL DEFAULT 72,
    "signByAt" TIMESTAMP(3),
    "depositFen" BIGINT NOT NULL,
    "status" "TransferAuctionStatus" NOT NULL DEFAULT 'scheduled',
    "winnerBidId" TEXT,
    "closedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TransferAuction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TransferAuctionBid" (
    "id" TEXT NOT NULL,
    "auctionId" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "amountFen" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TransferAuctionBid_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TransferAuctionDeposit" (
    "id" TEXT NOT NULL,
    "auctionId" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "amountFen" BIGINT NOT NULL,
    "holdTransactionId" BIGINT NOT NULL,
    "resolveTransactionId" BIGINT,
    "status" "TransferAuctionDepositStatus" NOT NULL DEFAULT 'held',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "TransferAuctionDeposit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TransferOffer_status_publishedAt_idx" ON "TransferOffer"("status", "publishedAt");

-- CreateIndex
CREATE INDEX "TransferOffer_ownerOrganisationId_status_idx" ON "TransferOffer"("ownerOrganisationId", "status");

-- CreateIndex
CREATE INDEX "TransferOffer_zoneId_status_idx" ON "TransferOffer"("zoneId", "status");

-- CreateIndex
CREATE INDEX "TransferOffer_status_expiresAt_idx" ON "TransferOffer"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "TransferOfferRight_number_idx" ON "TransferOfferRight"("number");

-- CreateIndex
CREATE UNIQUE INDEX "TransferOfferRight_offerId_position_key" ON "TransferOfferRight"("offerId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "TransferDeal_registrationNumber_key" ON "TransferDeal"("registrationNumber");

-- CreateIndex
CREATE UNIQUE INDEX "TransferDeal_auctionId_key" ON "TransferDeal"("auctionId");

-- CreateIndex
CREATE INDEX "TransferDeal_offerId_status_idx" ON "TransferDeal"("offerId", "status");

-- CreateIndex
CREATE INDEX "TransferDeal_buyerOrganisationId_status_idx" ON "TransferDeal"("buyerOrganisationId", "status");

-- CreateIndex
CREATE INDEX "TransferDeal_sellerOrganisationId_status_idx" ON "TransferDeal"("sellerOrganisationId", "status");

-- CreateIndex
CREATE INDEX "TransferDeal_brokerUserId_status_idx" ON "TransferDeal"("brokerUserId", "status");

-- CreateIndex
CREATE INDEX "TransferDeal_zoneId_status_idx" ON "TransferDeal"("zoneId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "TransferInstalment_dealId_index_key" ON "TransferInstalment"("dealId", "index");

-- CreateIndex
CREATE INDEX "TransferMessage_dealId_createdAt_idx" ON "TransferMessage"("dealId", "createdAt");

-- CreateIndex
CREATE INDEX "TransferDealDispute_dealId_idx" ON "TransferDealDispute"("dealId");

-- CreateIndex
CREATE UNIQUE INDEX "BrokerProfile_credentialNumber_key" ON "BrokerProfile"("credentialNumber");

-- CreateIndex
CREATE INDEX "BrokerProfile_zoneId_idx" ON "BrokerProfile"("zoneId");

-- CreateIndex
CREATE INDEX "BrokerIntroduction_brokerUserId_createdAt_idx" ON "BrokerIntroduction"("brokerUserId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "BrokerIntroduction_offerId_buyerOrganisationId_key" ON "BrokerIntroduction"("offerId", "buyerOrganisationId");

-- CreateIndex
CREATE INDEX "CommissionAgreement_dealId_idx" ON "CommissionAgreement"("dealId");

-- CreateIndex
CREATE INDEX "CommissionAgreement_brokerUserId_idx" ON "CommissionAgreement"("brokerUserId");

-- CreateIndex
CREATE INDEX "OrganisationRelation_toOrganisationId_idx" ON "OrganisationRelation"("toOrganisationId");

-- CreateIndex
CREATE UNIQUE INDEX "OrganisationRelation_fromOrganisationId_toOrganisationId_ki_key" ON "OrganisationRelation"("fromOrganisationId", "toOrganisationId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "TransferAuction_offerId_key" ON "TransferAuction"("offerId");

-- CreateIndex
CREATE UNIQUE INDEX "TransferAuction_winnerBidId_key" ON "TransferAuction"("winnerBidId");

-- CreateIndex
CREATE INDEX "TransferAuction_status_endsAt_idx" ON "TransferAuction"("status", "endsAt");

-- CreateIndex
CREATE INDEX "TransferAuctionBid_auctionId_createdAt_idx" ON "TransferAuctionBid"("auctionId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "TransferAuctionBid_auctionId_amountFen_key" ON "TransferAuctionBid"("auctionId", "amountFen");

-- CreateIndex
CREATE UNIQUE INDEX "TransferAuctionDeposit_holdTransactionId_key" ON "TransferAuctionDeposit"("holdTransactionId");

-- CreateIndex
CREATE UNIQUE INDEX "TransferAuctionDeposit_auctionId_organisationId_key" ON "TransferAuctionDeposit"("auctionId", "organisationId");

-- AddForeignKey
ALTER TABLE "TransferOffer" ADD CONSTRAINT "TransferOffer_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransferOffer" ADD CONSTRAINT "TransferOffer_ownerOrganisationId_fkey" FOREIGN KEY ("ownerOrganisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransferOffer" ADD CONSTRAINT "TransferOffer_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransferOfferRight" ADD CONSTRAINT "TransferOfferRight_offerId_fkey" FOREIGN KEY ("offerId") REFERENCES "TransferOffer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransferDeal" ADD CONSTRAINT "TransferDeal_offerId_fkey" FOREIGN KEY ("offerId") REFERENCES "TransferOffer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransferDeal" ADD CONSTRAINT "TransferDeal_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransferDeal" ADD CONSTRAINT "TransferDeal_buyerOrganisationId_fkey" FOREIGN KEY ("buyerOrganisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransferDeal" ADD CONSTRAINT "TransferDeal_sellerOrganisationId_fkey" FOREIGN KEY ("sellerOrganisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransferDeal" ADD CONSTRAINT "TransferDeal_brokerUserId_fkey" FOREIGN KEY ("brokerUserId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransferDeal" ADD CONSTRAINT "TransferDeal_introductionId_fkey" FOREIGN KEY ("introductionId") REFERENCES "BrokerIntroduction"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransferDeal" ADD CONSTRAINT "TransferDeal_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransferDeal" ADD CONSTRAINT "TransferDeal_auctionId_fkey" FOREIGN KEY ("auctionId") REFERENCES "TransferAuction"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransferInstalment" ADD CONSTRAINT "TransferInstalment_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "TransferDeal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransferMessage" ADD CONSTRAINT "TransferMessage_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "TransferDeal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransferMessage" ADD CONSTRAINT "TransferMessage_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransferDealDispute" ADD CONSTRAINT "TransferDealDispute_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "TransferDeal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BrokerProfile" ADD CONSTRAINT "BrokerProfile_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BrokerProfile" ADD CONSTRAINT "BrokerProfile_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BrokerProfile" ADD CONSTRAINT "BrokerProfile_agencyOrganisationId_fkey" FOREIGN KEY ("agencyOrganisationId") REFERENCES "Organisation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BrokerIntroduction" ADD CONSTRAINT "BrokerIntroduction_brokerUserId_fkey" FOREIGN KEY ("brokerUserId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BrokerIntroduction" ADD CONSTRAINT "BrokerIntroduction_buyerOrganisationId_fkey" FOREIGN KEY ("buyerOrganisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BrokerIntroduction" ADD CONSTRAINT "BrokerIntroduction_offerId_fkey" FOREIGN KEY ("offerId") REFERENCES "TransferOffer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommissionAgreement" ADD CONSTRAINT "CommissionAgreement_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "TransferDeal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommissionAgreement" ADD CONSTRAINT "CommissionAgreement_brokerUserId_fkey" FOREIGN KEY ("brokerUserId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommissionAgreement" ADD CONSTRAINT "CommissionAgreement_payerOrganisationId_fkey" FOREIGN KEY ("payerOrganisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrganisationRelation" ADD CONSTRAINT "OrganisationRelation_fromOrganisationId_fkey" FOREIGN KEY ("fromOrganisationId") REFERENCES "Organisation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrganisationRelation" ADD CONSTRAINT "OrganisationRelation_toOrganisationId_fkey" FOREIGN KEY ("toOrganisationId") REFERENCES "Organisation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransferAuction" ADD CONSTRAINT "TransferAuction_offerId_fkey" FOREIGN KEY ("offerId") REFERENCES "TransferOffer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransferAuction" ADD CONSTRAINT "TransferAuction_winnerBidId_fkey" FOREIGN KEY ("winnerBidId") REFERENCES "TransferAuctionBid"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransferAuctionBid" ADD CONSTRAINT "TransferAuctionBid_auctionId_fkey" FOREIGN KEY ("auctionId") REFERENCES "TransferAuction"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransferAuctionBid" ADD CONSTRAINT "TransferAuctionBid_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransferAuctionDeposit" ADD CONSTRAINT "TransferAuctionDeposit_auctionId_fkey" FOREIGN KEY ("auctionId") REFERENCES "TransferAuction"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransferAuctionDeposit" ADD CONSTRAINT "TransferAuctionDeposit_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written: status columns change only through the declared processes of
-- domain/transfer/process.ts (jiebang_status_guard is defined by the challenges migration).
CREATE TRIGGER "TransferOffer_status_guard" BEFORE INSERT OR UPDATE ON "TransferOffer"
  FOR EACH ROW EXECUTE FUNCTION jiebang_status_guard('draft');
CREATE TRIGGER "TransferDeal_status_guard" BEFORE INSERT OR UPDATE ON "TransferDeal"
  FOR EACH ROW EXECUTE FUNCTION jiebang_status_guard('inquiry');
CREATE TRIGGER "TransferInstalment_status_guard" BEFORE INSERT OR UPDATE ON "TransferInstalment"
  FOR EACH ROW EXECUTE FUNCTION jiebang_status_guard('pending');
CREATE TRIGGER "TransferAuction_status_guard" BEFORE INSERT OR UPDATE ON "TransferAuction"
  FOR EACH ROW EXECUTE FUNCTION jiebang_status_guard('scheduled');
CREATE TRIGGER "TransferAuctionDeposit_status_guard" BEFORE INSERT OR UPDATE ON "TransferAuctionDeposit"
  FOR EACH ROW EXECUTE FUNCTION jiebang_status_guard('held');

-- Checks the schema language cannot express.
ALTER TABLE "TransferOffer" ADD CONSTRAINT "TransferOffer_trl_check" CHECK ("trl" BETWEEN 1 AND 9);
ALTER TABLE "TransferOffer" ADD CONSTRAINT "TransferOffer_price_check"
  CHECK (("pricing" = 'negotiable' AND "priceFen" IS NULL) OR ("pricing" <> 'negotiable' AND "priceFen" > 0));
ALTER TABLE "TransferInstalment" ADD CONSTRAINT "TransferInstalment_amount_check" CHECK ("amountFen" > 0 AND "index" >= 1);
ALTER TABLE "CommissionAgreement" ADD CONSTRAINT "CommissionAgreement_amount_check"
  CHECK (("rateBasisPoints" IS NULL) <> ("fixedFen" IS NULL)
    AND ("rateBasisPoints" IS NULL OR "rateBasisPoints" BETWEEN 1 AND 10000)
    AND ("fixedFen" IS NULL OR "fixedFen" > 0)
    AND ("framework" OR "dealId" IS NOT NULL));
ALTER TABLE "OrganisationRelation" ADD CONSTRAINT "OrganisationRelation_check"
  CHECK ("fromOrganisationId" <> "toOrganisationId"
    AND (("kind" = 'shareholding') = ("sharePercentBp" IS NOT NULL))
    AND ("sharePercentBp" IS NULL OR "sharePercentBp" BETWEEN 1 AND 10000));
-- One live (not withdrawn) deal commission agreement per deal.
CREATE UNIQUE INDEX "CommissionAgreement_live_deal_key" ON "CommissionAgreement" ("dealId")
  WHERE "withdrawnAt" IS NULL AND NOT "framework";
