-- CreateEnum
CREATE TYPE "ConfirmationStatus" AS ENUM ('pending', 'confirmed', 'rejected');

-- CreateEnum
CREATE TYPE "AccountTokenPurpose" AS ENUM ('verify_email', 'unlock_login');

-- CreateEnum
CREATE TYPE "IntroductionConsent" AS ENUM ('pending', 'accepted', 'declined');

-- DropIndex
DROP INDEX "BrokerIntroduction_offerId_buyerOrganisationId_key";

-- AlterTable
ALTER TABLE "BrokerIntroduction" ADD COLUMN     "answeredAt" TIMESTAMP(3),
ADD COLUMN     "answeredById" TEXT,
ADD COLUMN     "consent" "IntroductionConsent" NOT NULL DEFAULT 'pending';

-- AlterTable
ALTER TABLE "BrokerProfile" ADD COLUMN     "confirmation" "ConfirmationStatus" NOT NULL DEFAULT 'pending',
ADD COLUMN     "reviewNote" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "reviewedAt" TIMESTAMP(3),
ADD COLUMN     "reviewedById" TEXT;

-- AlterTable
ALTER TABLE "Organisation" ADD COLUMN     "confirmation" "ConfirmationStatus" NOT NULL DEFAULT 'confirmed',
ADD COLUMN     "reviewNote" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "reviewedAt" TIMESTAMP(3),
ADD COLUMN     "reviewedById" TEXT;

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "emailVerifiedAt" TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "AccountToken" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "purpose" "AccountTokenPurpose" NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AccountToken_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AccountToken_tokenHash_key" ON "AccountToken"("tokenHash");

-- CreateIndex
CREATE INDEX "AccountToken_userId_purpose_idx" ON "AccountToken"("userId", "purpose");

-- CreateIndex
CREATE INDEX "BrokerIntroduction_buyerOrganisationId_consent_idx" ON "BrokerIntroduction"("buyerOrganisationId", "consent");

-- CreateIndex
CREATE UNIQUE INDEX "BrokerIntroduction_offerId_buyerOrganisationId_brokerUserId_key" ON "BrokerIntroduction"("offerId", "buyerOrganisationId", "brokerUserId");

-- CreateIndex
CREATE INDEX "BrokerProfile_confirmation_zoneId_idx" ON "BrokerProfile"("confirmation", "zoneId");

-- Hand-written: organisations registered twice under one name before this migration keep the
-- oldest row's name; later ones get their id appended, for a zone officer to sort out.
UPDATE "Organisation" o SET "name" = o."name" || '（' || o."id" || '）'
WHERE EXISTS (SELECT 1 FROM "Organisation" p WHERE p."name" = o."name"
              AND (p."createdAt", p."id") < (o."createdAt", o."id"));

-- CreateIndex
CREATE UNIQUE INDEX "Organisation_name_key" ON "Organisation"("name");

-- AddForeignKey
ALTER TABLE "AccountToken" ADD CONSTRAINT "AccountToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written (ADR 0022): the attribution is the one accepted introduction of a buyer to an offer.
CREATE UNIQUE INDEX "BrokerIntroduction_accepted_key" ON "BrokerIntroduction"("offerId", "buyerOrganisationId")
  WHERE "consent" = 'accepted';
