-- AlterTable
ALTER TABLE "MailMessage" ADD COLUMN     "claimedAt" TIMESTAMP(3),
ADD COLUMN     "sentAt" TIMESTAMP(3),
ADD COLUMN     "status" TEXT NOT NULL DEFAULT 'sent';

-- AlterTable
ALTER TABLE "OutboxJob" ADD COLUMN     "lostInQueue" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "stalls" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "JobScheduleTick" (
    "id" TEXT NOT NULL,
    "job" TEXT NOT NULL,
    "lastTickAt" TIMESTAMP(3) NOT NULL,
    "lastFireAt" TIMESTAMP(3) NOT NULL,
    "ticks" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "JobScheduleTick_pkey" PRIMARY KEY ("id")
);
