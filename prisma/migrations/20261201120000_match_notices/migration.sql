-- CreateTable
CREATE TABLE "MatchNotice" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "subjectKind" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "candidateKind" TEXT NOT NULL,
    "candidateId" TEXT NOT NULL,
    "score" INTEGER NOT NULL,
    "digestDay" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MatchNotice_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MatchNotice_userId_digestDay_idx" ON "MatchNotice"("userId", "digestDay");

-- CreateIndex
CREATE UNIQUE INDEX "MatchNotice_userId_subjectKind_subjectId_candidateKind_cand_key" ON "MatchNotice"("userId", "subjectKind", "subjectId", "candidateKind", "candidateId");
