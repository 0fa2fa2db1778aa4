import { Prisma } from "#db/generated/client/client.ts";
import { loadActor } from "../access/actor.ts";
import { shanghaiDate } from "../calendar/working-days.ts";
import type { Db } from "../db/client.ts";
import type { MailLocale } from "../mail/messages.ts";
import { sendMail } from "../mail/send-mail.ts";
import type { MailTransport } from "../mail/transport.ts";
import { matchesForChallenge, matchesForResearcher, type Match, type MatchSearch } from "./matches.ts";
import { DIGEST_THRESHOLD } from "./score.ts";

/**
 * The daily match digest (docs/decisions/0014-matching.md). For each person: researchers get the
 * open challenges worth bidding on; owners and admins of an enterprise the offers, researchers
 * and organisations for each of its open challenges. Matches at or above the threshold that the
 * person was never told about become one in-app notification and one mail.
 *
 * Once per person per day: the notification's key and the mail's key carry the Shanghai date, so
 * a retried or concurrent run writes and sends nothing twice. Never the same match twice: the
 * MatchNotice rows (one per person and match) are written in the notification's transaction.
 */
export interface DigestOptions {
  db: Db;
  search: MatchSearch;
  mail: MailTransport;
  appUrl: string;
  now: Date;
  threshold?: number;
  /** Only these people (tests, and a later per-user resend); default everyone concerned. */
  userIds?: string[];
}

export interface DigestResult {
  day: string;
  /** People told today by this run (a notification written). */
  notified: number;
  /** Mails sent by this run (a mail already sent under today's key is not counted). */
  mailed: number;
  /** Matches recorded as told. */
  matches: number;
}

interface Candidate {
  subjectKind: "challenge" | "researcher";
  subjectId: string;
  subjectTitle: string;
  match: Match;
}

const MAX_ITEMS = 20;

export function digestKey(day: string, userId: string): string {
  return `match-digest-${day}-${userId}`;
}

export async function sendMatchDigests(options: DigestOptions): Promise<DigestResult> {
  const { db } = options;
  const threshold = options.threshold ?? DIGEST_THRESHOLD;
  const day = shanghaiDate(options.now);
  const result: DigestResult = { day, notified: 0, mailed: 0, matches: 0 };
  const onlyUsers = options.userIds ? { id: { in: options.userIds } } : {};

  const researchers = await db.user.findMany({
    where: { ...onlyUsers, roles: { some: { role: "researcher" } } },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  const perUser = new Map<string, Candidate[]>();
  const push = (userId: string, candidates: Candidate[]) =>
    perUser.set(userId, [...(perUser.get(userId) ?? []), ...candidates]);

  for (const { id } of researchers) {
    const { challenges } = await matchesForResearcher({ db, search: options.search, userId: id, limit: MAX_ITEMS });
    push(
      id,
      challenges.map((match) => ({ subjectKind: "researcher", subjectId: id, subjectTitle: "", match })),
    );
  }

  // Enterprises' open challenges: computed once per challenge, told to each owner and admin.
  const open = await db.challenge.findMany({
    where: { status: "published", organisation: { type: "enterprise" } },
    select: { id: true, title: true, organisationId: true },
    orderBy: { id: "asc" },
  });
  const managers = await db.membership.findMany({
    where: {
      organisationId: { in: [...new Set(open.map((c) => c.organisationId))] },
      role: { in: ["owner", "admin"] },
      user: onlyUsers,
    },
    select: { userId: true, organisationId: true },
  });
  for (const challenge of open) {
    const recipients = managers.filter((m) => m.organisationId === challenge.organisationId);
    if (recipients.length === 0) continue;
    const actor = await loadActor({ db, userId: recipients[0]!.userId });
    const found = await matchesForChallenge({ db, search: options.search, actor, challengeId: challenge.id });
    const candidates = [...found.offers, ...found.people, ...found.organisations].map((match): Candidate => ({
      subjectKind: "challenge",
      subjectId: challenge.id,
      subjectTitle: challenge.title,
      match,
    }));
    for (const r of recipients) push(r.userId, candidates);
  }

  for (const [userId, candidates] of perUser) {
    const outcome = await tellOne({
      ...options,
      day,
      userId,
      candidates: candidates.filter((c) => c.match.score >= threshold),
    });
    if (outcome.notified) result.notified++;
    if (outcome.mailed) result.mailed++;
    result.matches += outcome.matches;
  }
  return result;
}

async function tellOne(
  options: DigestOptions & { day: string; userId: string; candidates: Candidate[] },
): Promise<{ notified: boolean; mailed: boolean; matches: number }> {
  const { db, day, userId } = options;
  const key = digestKey(day, userId);
  let notification = await db.notification.findUnique({ where: { dedupeKey: key } });
  let notified = false;
  let matches = 0;
  if (!notification && options.candidates.length > 0) {
    const told = await db.matchNotice.findMany({
      where: { userId, subjectId: { in: [...new Set(options.candidates.map((c) => c.subjectId))] } },
      select: { subjectKind: true, subjectId: true, candidateKind: true, candidateId: true },
    });
    const toldKeys = new Set(told.map((t) => `${t.subjectKind}/${t.subjectId}/${t.candidateKind}/${t.candidateId}`));
    const seen = new Set<string>();
    const fresh = options.candidates
      .filter((c) => {
        const k = `${c.subjectKind}/${c.subjectId}/${c.match.kind}/${c.match.id}`;
        if (toldKeys.has(k) || seen.has(k)) return false;
        seen.add(k);
        return true;
      })
      .sort((a, b) => b.match.score - a.match.score)
      .slice(0, MAX_ITEMS);
    if (fresh.length > 0) {
      try {
        notification = await db.$transaction(async (tx) => {
          await tx.matchNotice.createMany({
            data: fresh.map((c) => ({
              userId,
              subjectKind: c.subjectKind,
              subjectId: c.subjectId,
              candidateKind: c.match.kind,
              candidateId: c.match.id,
              score: c.match.score,
              digestDay: day,
            })),
          });
          return tx.notification.create({
            data: {
              userId,
              event: "match.digest",
              entityType: "user",
              entityId: userId,
              dedupeKey: key,
              params: {
                day,
                count: String(fresh.length),
                top: fresh[0]!.match.title,
                items: fresh.map((c) => ({
                  kind: c.match.kind,
                  id: c.match.id,
                  title: c.match.title,
                  href: c.match.href,
                  score: c.match.score,
                  subjectKind: c.subjectKind,
                  subjectId: c.subjectId,
                  subjectTitle: c.subjectTitle,
                })),
              },
            },
          });
        });
        notified = true;
        matches = fresh.length;
      } catch (error) {
        // A concurrent run told this person first (same day key, or the same match): its rows stand.
        if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
        notification = await db.notification.findUnique({ where: { dedupeKey: key } });
      }
    }
  }
  if (!notification) return { notified, mailed: false, matches };

  // The mail follows the day's notification, even when a crash came between the two.
  const user = await db.user.findUnique({ where: { id: userId }, select: { email: true, name: true, locale: true } });
  if (!user) return { notified, mailed: false, matches };
  const params = notification.params as { count?: string; top?: string };
  const sent = await sendMail({
    db,
    transport: options.mail,
    to: user.email,
    template: "match-digest",
    locale: (user.locale === "en" ? "en" : "zh-CN") satisfies MailLocale,
    params: { matchesPath: "/matches", name: user.name, count: params.count ?? "1", top: params.top ?? "" },
    appUrl: options.appUrl,
    dedupeKey: key,
  });
  return { notified, mailed: sent.sent, matches };
}
