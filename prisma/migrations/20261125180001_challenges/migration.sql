-- CreateEnum
CREATE TYPE "ChallengeIndustry" AS ENUM ('biomedicine', 'advanced_manufacturing', 'new_materials', 'tobacco', 'food_consumer_goods', 'digital_economy', 'other');

-- CreateEnum
CREATE TYPE "ChallengeStatus" AS ENUM ('draft', 'submitted', 'returned', 'approved', 'published', 'withdrawal_requested', 'bidding_closed', 'under_review', 'winner_proposed', 'public_notice', 'contracting', 'contracted', 'in_progress', 'disputed', 'accepted', 'closed', 'withdrawn', 'cancelled', 'failed');

-- CreateEnum
CREATE TYPE "ChallengeIpTerms" AS ENUM ('none', 'non_exclusive_licence', 'exclusive_licence', 'full_transfer');

-- CreateEnum
CREATE TYPE "ChallengeVisibility" AS ENUM ('public', 'invited');

-- CreateEnum
CREATE TYPE "BidStatus" AS ENUM ('submitted', 'withdrawn', 'won', 'lost', 'void');

-- CreateEnum
CREATE TYPE "MilestoneStatus" AS ENUM ('pending', 'funded', 'delivered', 'revision_requested', 'accepted', 'partially_released', 'refunded');

-- CreateEnum
CREATE TYPE "DisputeOutcome" AS ENUM ('release', 'partial_release', 'refund');

-- CreateTable
CREATE TABLE "Challenge" (
    "id" TEXT NOT NULL,
    "zoneId" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "problemStatement" TEXT NOT NULL,
    "indicators" JSONB NOT NULL DEFAULT '[]',
    "industry" "ChallengeIndustry" NOT NULL,
    "fieldTags" TEXT[],
    "bounty" BIGINT NOT NULL,
    "bidDeadline" TIMESTAMP(3) NOT NULL,
    "ipTerms" "ChallengeIpTerms" NOT NULL,
    "domesticAllowed" BOOLEAN NOT NULL DEFAULT true,
    "internationalAllowed" BOOLEAN NOT NULL DEFAULT true,
    "eligibleOrgTypes" "OrgType"[],
    "individualsAllowed" BOOLEAN NOT NULL DEFAULT true,
    "priceAboveBountyAllowed" BOOLEAN NOT NULL DEFAULT false,
    "visibility" "ChallengeVisibility" NOT NULL DEFAULT 'public',
    "seekerAnonymous" BOOLEAN NOT NULL DEFAULT false,
    "status" "ChallengeStatus" NOT NULL DEFAULT 'draft',
    "resumeStatus" "ChallengeStatus",
    "statusReason" TEXT,
    "round" INTEGER NOT NULL DEFAULT 1,
    "winnerBidId" TEXT,
    "publicNoticeStartedAt" TIMESTAMP(3),
    "publicNoticeEndsAt" TIMESTAMP(3),
    "contractTerms" TEXT,
    "seekerConfirmedAt" TIMESTAMP(3),
    "solverConfirmedAt" TIMESTAMP(3),
    "feeBasisPoints" INTEGER,
    "publishedAt" TIMESTAMP(3),
    "viewCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Challenge_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChallengeMilestone" (
    "id" TEXT NOT NULL,
    "challengeId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "deliverable" TEXT NOT NULL,
    "acceptanceCriteria" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "dueDate" TIMESTAMP(3) NOT NULL,
    "status" "MilestoneStatus" NOT NULL DEFAULT 'pending',
    "deliveryNote" TEXT,
    "deliveredAt" TIMESTAMP(3),
    "revisionReasons" TEXT,
    "settledAt" TIMESTAMP(3),

    CONSTRAINT "ChallengeMilestone_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChallengeInvitee" (
    "id" TEXT NOT NULL,
    "challengeId" TEXT NOT NULL,
    "userId" TEXT,
    "organisationId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChallengeInvitee_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Bid" (
    "id" TEXT NOT NULL,
    "challengeId" TEXT NOT NULL,
    "round" INTEGER NOT NULL,
    "leadUserId" TEXT NOT NULL,
    "organisationId" TEXT,
    "members" JSONB NOT NULL DEFAULT '[]',
    "teamOrganisations" TEXT[],
    "approach" TEXT NOT NULL,
    "price" BIGINT NOT NULL,
    "schedule" JSONB NOT NULL DEFAULT '[]',
    "credentials" TEXT NOT NULL DEFAULT '',
    "status" "BidStatus" NOT NULL DEFAULT 'submitted',
    "submittedAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Bid_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BidReceipt" (
    "id" TEXT NOT NULL,
    "bidId" TEXT NOT NULL,
    "commitment" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "serverTime" TIMESTAMP(3) NOT NULL,
    "content" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BidReceipt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChallengeQuestion" (
    "id" TEXT NOT NULL,
    "challengeId" TEXT NOT NULL,
    "askedById" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "private" BOOLEAN NOT NULL DEFAULT false,
    "answer" TEXT,
    "answerPublic" BOOLEAN NOT NULL DEFAULT true,
    "answeredById" TEXT,
    "answeredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChallengeQuestion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReviewCriterion" (
    "id" TEXT NOT NULL,
    "challengeId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "weight" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "ReviewCriterion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChallengeReviewer" (
    "challengeId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "invitedById" TEXT NOT NULL,
    "conflictDeclared" BOOLEAN NOT NULL DEFAULT false,
    "conflictNote" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChallengeReviewer_pkey" PRIMARY KEY ("challengeId","userId")
);

-- CreateTable
CREATE TABLE "BidScore" (
    "bidId" TEXT NOT NULL,
    "reviewerId" TEXT NOT NULL,
    "criterionId" TEXT NOT NULL,
    "score" INTEGER NOT NULL,
    "comment" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BidScore_pkey" PRIMARY KEY ("bidId","reviewerId","criterionId")
);

-- CreateTable
CREATE TABLE "BidFeedback" (
    "bidId" TEXT NOT NULL,
    "categories" TEXT[],
    "text" TEXT NOT NULL,
    "writtenById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BidFeedback_pkey" PRIMARY KEY ("bidId")
);

-- CreateTable
CREATE TABLE "PublicNoticeObjection" (
    "id" TEXT NOT NULL,
    "challengeId" TEXT NOT NULL,
    "filedById" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "answer" TEXT,
    "answeredById" TEXT,
    "answeredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PublicNoticeObjection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChallengeDispute" (
    "id" TEXT NOT NULL,
    "challengeId" TEXT NOT NULL,
    "milestoneIndex" INTEGER NOT NULL,
    "raisedById" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "outcome" "DisputeOutcome",
    "releasedAmount" BIGINT,
    "decision" TEXT,
    "decidedById" TEXT,
    "decidedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChallengeDispute_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ZoneChallengeSettings" (
    "zoneId" TEXT NOT NULL,
    "publicNoticeWorkingDays" INTEGER NOT NULL DEFAULT 5,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ZoneChallengeSettings_pkey" PRIMARY KEY ("zoneId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Challenge_winnerBidId_key" ON "Challenge"("winnerBidId");

-- CreateIndex
CREATE INDEX "Challenge_zoneId_status_idx" ON "Challenge"("zoneId", "status");

-- CreateIndex
CREATE INDEX "Challenge_organisationId_status_idx" ON "Challenge"("organisationId", "status");

-- CreateIndex
CREATE INDEX "Challenge_status_bidDeadline_idx" ON "Challenge"("status", "bidDeadline");

-- CreateIndex
CREATE INDEX "Challenge_status_publicNoticeEndsAt_idx" ON "Challenge"("status", "publicNoticeEndsAt");

-- CreateIndex
CREATE UNIQUE INDEX "ChallengeMilestone_challengeId_index_key" ON "ChallengeMilestone"("challengeId", "index");

-- CreateIndex
CREATE INDEX "ChallengeInvitee_challengeId_idx" ON "ChallengeInvitee"("challengeId");

-- CreateIndex
CREATE INDEX "Bid_challengeId_round_status_idx" ON "Bid"("challengeId", "round", "status");

-- CreateIndex
CREATE INDEX "Bid_leadUserId_idx" ON "Bid"("leadUserId");

-- CreateIndex
CREATE UNIQUE INDEX "Bid_challengeId_round_leadUserId_key" ON "Bid"("challengeId", "round", "leadUserId");

-- CreateIndex
CREATE UNIQUE INDEX "BidReceipt_commitment_key" ON "BidReceipt"("commitment");

-- CreateIndex
CREATE INDEX "BidReceipt_bidId_idx" ON "BidReceipt"("bidId");

-- CreateIndex
CREATE INDEX "ChallengeQuestion_challengeId_createdAt_idx" ON "ChallengeQuestion"("challengeId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ReviewCriterion_challengeId_position_key" ON "ReviewCriterion"("challengeId", "position");

-- CreateIndex
CREATE INDEX "ChallengeReviewer_userId_idx" ON "ChallengeReviewer"("userId");

-- CreateIndex
CREATE INDEX "PublicNoticeObjection_challengeId_idx" ON "PublicNoticeObjection"("challengeId");

-- CreateIndex
CREATE INDEX "ChallengeDispute_challengeId_idx" ON "ChallengeDispute"("challengeId");

-- AddForeignKey
ALTER TABLE "Challenge" ADD CONSTRAINT "Challenge_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Challenge" ADD CONSTRAINT "Challenge_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Challenge" ADD CONSTRAINT "Challenge_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Challenge" ADD CONSTRAINT "Challenge_winnerBidId_fkey" FOREIGN KEY ("winnerBidId") REFERENCES "Bid"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChallengeMilestone" ADD CONSTRAINT "ChallengeMilestone_challengeId_fkey" FOREIGN KEY ("challengeId") REFERENCES "Challenge"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChallengeInvitee" ADD CONSTRAINT "ChallengeInvitee_challengeId_fkey" FOREIGN KEY ("challengeId") REFERENCES "Challenge"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChallengeInvitee" ADD CONSTRAINT "ChallengeInvitee_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChallengeInvitee" ADD CONSTRAINT "ChallengeInvitee_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Bid" ADD CONSTRAINT "Bid_challengeId_fkey" FOREIGN KEY ("challengeId") REFERENCES "Challenge"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Bid" ADD CONSTRAINT "Bid_leadUserId_fkey" FOREIGN KEY ("leadUserId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Bid" ADD CONSTRAINT "Bid_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BidReceipt" ADD CONSTRAINT "BidReceipt_bidId_fkey" FOREIGN KEY ("bidId") REFERENCES "Bid"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChallengeQuestion" ADD CONSTRAINT "ChallengeQuestion_challengeId_fkey" FOREIGN KEY ("challengeId") REFERENCES "Challenge"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChallengeQuestion" ADD CONSTRAINT "ChallengeQuestion_askedById_fkey" FOREIGN KEY ("askedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewCriterion" ADD CONSTRAINT "ReviewCriterion_challengeId_fkey" FOREIGN KEY ("challengeId") REFERENCES "Challenge"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChallengeReviewer" ADD CONSTRAINT "ChallengeReviewer_challengeId_fkey" FOREIGN KEY ("challengeId") REFERENCES "Challenge"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChallengeReviewer" ADD CONSTRAINT "ChallengeReviewer_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BidScore" ADD CONSTRAINT "BidScore_bidId_fkey" FOREIGN KEY ("bidId") REFERENCES "Bid"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BidScore" ADD CONSTRAINT "BidScore_criterionId_fkey" FOREIGN KEY ("criterionId") REFERENCES "ReviewCriterion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BidFeedback" ADD CONSTRAINT "BidFeedback_bidId_fkey" FOREIGN KEY ("bidId") REFERENCES "Bid"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PublicNoticeObjection" ADD CONSTRAINT "PublicNoticeObjection_challengeId_fkey" FOREIGN KEY ("challengeId") REFERENCES "Challenge"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PublicNoticeObjection" ADD CONSTRAINT "PublicNoticeObjection_filedById_fkey" FOREIGN KEY ("filedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChallengeDispute" ADD CONSTRAINT "ChallengeDispute_challengeId_fkey" FOREIGN KEY ("challengeId") REFERENCES "Challenge"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ZoneChallengeSettings" ADD CONSTRAINT "ZoneChallengeSettings_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------
-- Hand-written: what the database enforces itself (docs/decisions/0008-challenge-process.md).
-- ---------------------------------------------------------------------------------------------

-- Amounts and ranges.
ALTER TABLE "Challenge" ADD CONSTRAINT "Challenge_bounty_positive" CHECK ("bounty" > 0);
ALTER TABLE "Challenge" ADD CONSTRAINT "Challenge_fee_range" CHECK ("feeBasisPoints" IS NULL OR "feeBasisPoints" BETWEEN 0 AND 10000);
ALTER TABLE "Challenge" ADD CONSTRAINT "Challenge_round_positive" CHECK ("round" >= 1);
ALTER TABLE "Challenge" ADD CONSTRAINT "Challenge_solver_eligible" CHECK ("domesticAllowed" OR "internationalAllowed");
ALTER TABLE "ChallengeMilestone" ADD CONSTRAINT "ChallengeMilestone_amount_positive" CHECK ("amount" > 0);
ALTER TABLE "ChallengeMilestone" ADD CONSTRAINT "ChallengeMilestone_index_range" CHECK ("index" BETWEEN 1 AND 9999);
ALTER TABLE "Bid" ADD CONSTRAINT "Bid_price_positive" CHECK ("price" > 0);
ALTER TABLE "ReviewCriterion" ADD CONSTRAINT "ReviewCriterion_weight_range" CHECK ("weight" BETWEEN 1 AND 100);
ALTER TABLE "BidScore" ADD CONSTRAINT "BidScore_score_range" CHECK ("score" BETWEEN 0 AND 100);
ALTER TABLE "ChallengeDispute" ADD CONSTRAINT "ChallengeDispute_released_nonnegative" CHECK ("releasedAmount" IS NULL OR "releasedAmount" >= 0);
ALTER TABLE "ZoneChallengeSettings" ADD CONSTRAINT "ZoneChallengeSettings_days_range" CHECK ("publicNoticeWorkingDays" BETWEEN 1 AND 30);

-- One winning bid per challenge; one open dispute per challenge; an invitee is a user or an organisation.
CREATE UNIQUE INDEX "Bid_one_winner_per_challenge" ON "Bid"("challengeId") WHERE "status" = 'won';
CREATE UNIQUE INDEX "ChallengeDispute_one_open_per_challenge" ON "ChallengeDispute"("challengeId") WHERE "outcome" IS NULL;
CREATE UNIQUE INDEX "ChallengeInvitee_user_key" ON "ChallengeInvitee"("challengeId", "userId") WHERE "userId" IS NOT NULL;
CREATE UNIQUE INDEX "ChallengeInvitee_org_key" ON "ChallengeInvitee"("challengeId", "organisationId") WHERE "organisationId" IS NOT NULL;
ALTER TABLE "ChallengeInvitee" ADD CONSTRAINT "ChallengeInvitee_one_target" CHECK (("userId" IS NULL) <> ("organisationId" IS NULL));

-- Status columns change only through the declared processes (domain/process/machine.ts), which set
-- the transaction-local flag jiebang.process around their one UPDATE. A new row starts in the
-- process's initial state (TG_ARGV[0]) unless the flag is set.
CREATE FUNCTION jiebang_status_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('jiebang.process', true), '') = 'on' THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW."status"::text <> TG_ARGV[0] THEN
      RAISE EXCEPTION 'a new % starts as %', TG_TABLE_NAME, TG_ARGV[0] USING ERRCODE = 'check_violation';
    END IF;
  ELSIF NEW."status" IS DISTINCT FROM OLD."status" THEN
    RAISE EXCEPTION 'the status of % changes only through its process', TG_TABLE_NAME USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "Challenge_status_guard" BEFORE INSERT OR UPDATE ON "Challenge"
  FOR EACH ROW EXECUTE FUNCTION jiebang_status_guard('draft');
CREATE TRIGGER "Bid_status_guard" BEFORE INSERT OR UPDATE ON "Bid"
  FOR EACH ROW EXECUTE FUNCTION jiebang_status_guard('submitted');
CREATE TRIGGER "ChallengeMilestone_status_guard" BEFORE INSERT OR UPDATE ON "ChallengeMilestone"
  FOR EACH ROW EXECUTE FUNCTION jiebang_status_guard('pending');
