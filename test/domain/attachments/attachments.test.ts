import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import {
  bidInputFor,
  createChallengeInState,
  createChallengeWorld,
  type ChallengeWorld,
} from "#tests/support/challenge-factories.ts";
import { SAMPLE_FILES } from "#tests/support/files.ts";
import { addAttachments, listAttachments, openAttachment, removeAttachment } from "#domain/attachments/attachments.ts";
import { submitBid } from "#domain/challenges/bids.ts";
import { closeDueBidding } from "#domain/challenges/challenges.ts";
import { isAppError } from "#domain/errors.ts";
import { createLocalStorage } from "#domain/storage/local.ts";
import { readAll, type ObjectStorage } from "#domain/storage/storage.ts";

const MAX = 1024 * 1024;

async function refusal(promise: Promise<unknown>): Promise<{ code: string; key: string }> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, key: error.messageKey };
    throw error;
  }
  throw new Error("expected an AppError");
}

async function storedFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await fs.readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  await walk(dir);
  return out.sort();
}

describe("attachments on challenges and bids", () => {
  let db: TestDatabase;
  let w: ChallengeWorld;
  let dir: string;
  let storage: ObjectStorage;
  beforeAll(async () => {
    db = await createTestDatabase();
    w = await createChallengeWorld({ db: db.prisma });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "jb-att-"));
    storage = createLocalStorage(dir);
  });
  afterAll(async () => {
    await db?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it("the enterprise attaches files to a draft, reads them back, removes one (from storage too)", async () => {
    const { challenge } = await createChallengeInState({ db: db.prisma, world: w, state: "draft" });
    const base = { db: db.prisma, storage, ownerType: "challenge" as const, ownerId: challenge.id, maxBytes: MAX };
    const added = await addAttachments({
      ...base,
      actor: w.seeker,
      files: [
        { name: "技术方案.pdf", bytes: SAMPLE_FILES.pdf },
        { name: "指标.xlsx", bytes: SAMPLE_FILES.xlsx },
      ],
    });
    expect(added.map((a) => [a.name, a.type, a.size])).toEqual([
      ["技术方案.pdf", "pdf", SAMPLE_FILES.pdf.byteLength],
      ["指标.xlsx", "xlsx", SAMPLE_FILES.xlsx.byteLength],
    ]);
    const listed = await listAttachments({
      db: db.prisma,
      actor: w.seeker,
      ownerType: "challenge",
      ownerId: challenge.id,
    });
    expect(listed.canChange).toBe(true);
    expect(listed.items.map((a) => a.name)).toEqual(["技术方案.pdf", "指标.xlsx"]);
    const opened = await openAttachment({ db: db.prisma, storage, actor: w.seeker, attachmentId: added[0]!.id });
    expect(opened.contentType).toBe("application/pdf");
    expect(Buffer.from(await readAll(opened.body)).equals(Buffer.from(SAMPLE_FILES.pdf))).toBe(true);
    const audit = await db.prisma.auditEvent.count({ where: { action: "attachment.add", entityId: added[0]!.id } });
    expect(audit).toBe(1);

    // A draft is private: nobody else sees it or its files.
    expect(
      (await refusal(openAttachment({ db: db.prisma, storage, actor: w.solverA, attachmentId: added[0]!.id }))).code,
    ).toBe("not_found");
    expect(
      (await refusal(openAttachment({ db: db.prisma, storage, actor: null, attachmentId: added[0]!.id }))).code,
    ).toBe("not_found");
    // Only the enterprise changes them.
    expect(
      (
        await refusal(
          addAttachments({ ...base, actor: w.officer, files: [{ name: "x.pdf", bytes: SAMPLE_FILES.pdf }] }),
        )
      ).code,
    ).toBe("conflict");

    const before = await storedFiles(dir);
    await removeAttachment({ db: db.prisma, storage, actor: w.seeker, attachmentId: added[1]!.id });
    const after = await storedFiles(dir);
    expect(before.length - after.length).toBe(1);
    expect(await db.prisma.attachment.count({ where: { ownerId: challenge.id } })).toBe(1);
  });

  it("a wrong type stores nothing; a failing transaction leaves no file behind", async () => {
    const { challenge } = await createChallengeInState({ db: db.prisma, world: w, state: "draft" });
    const base = { db: db.prisma, storage, ownerType: "challenge" as const, ownerId: challenge.id, maxBytes: MAX };
    const before = await storedFiles(dir);
    const r = await refusal(
      addAttachments({
        ...base,
        actor: w.seeker,
        files: [
          { name: "ok.pdf", bytes: SAMPLE_FILES.pdf },
          { name: "scan.pdf", bytes: SAMPLE_FILES.png },
        ],
      }),
    );
    expect(r).toEqual({ code: "bad_request", key: "errors.attachment.mismatch" });
    expect(await storedFiles(dir)).toEqual(before);
    // Eleven files exceed the limit of ten: the check runs inside the transaction after the writes.
    const eleven = Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.txt`, bytes: SAMPLE_FILES.text }));
    expect((await refusal(addAttachments({ ...base, actor: w.seeker, files: eleven }))).key).toBe(
      "errors.attachment.tooMany",
    );
    expect(await storedFiles(dir)).toEqual(before);
    expect(await db.prisma.attachment.count({ where: { ownerId: challenge.id } })).toBe(0);
  });

  it("a published challenge's files are public; they can no longer be changed", async () => {
    const { challenge } = await createChallengeInState({ db: db.prisma, world: w, state: "published" });
    // As if attached while it was a draft.
    await storage.put("attachments/challenge/published1", SAMPLE_FILES.pdf);
    const row = await db.prisma.attachment.create({
      data: {
        ownerType: "challenge",
        ownerId: challenge.id,
        name: "背景.pdf",
        type: "pdf",
        size: SAMPLE_FILES.pdf.byteLength,
        sha256: "0".repeat(64),
        storageKey: "attachments/challenge/published1",
        uploadedById: w.seeker.userId,
      },
    });
    const anyone = await openAttachment({ db: db.prisma, storage, actor: null, attachmentId: row.id });
    expect(anyone.attachment.name).toBe("背景.pdf");
    expect(
      (await listAttachments({ db: db.prisma, actor: w.stranger, ownerType: "challenge", ownerId: challenge.id }))
        .canChange,
    ).toBe(false);
    expect(
      (await refusal(removeAttachment({ db: db.prisma, storage, actor: w.seeker, attachmentId: row.id }))).code,
    ).toBe("conflict");
    expect(
      (
        await refusal(
          addAttachments({
            db: db.prisma,
            storage,
            actor: w.seeker,
            ownerType: "challenge",
            ownerId: challenge.id,
            files: [{ name: "late.pdf", bytes: SAMPLE_FILES.pdf }],
            maxBytes: MAX,
          }),
        )
      ).key,
    ).toBe("errors.attachment.notEditable");
  });

  it("bid files are sealed: the bidder's side only until the deadline, then the enterprise and zone; never another bidder", async () => {
    const { challenge } = await createChallengeInState({ db: db.prisma, world: w, state: "published" });
    const now = new Date();
    const { bidId } = await submitBid({
      db: db.prisma,
      actor: w.solverA,
      challengeId: challenge.id,
      organisationId: w.solverA.organisationId,
      input: bidInputFor(),
      now,
    });
    await submitBid({
      db: db.prisma,
      actor: w.solverB,
      challengeId: challenge.id,
      organisationId: w.solverB.organisationId,
      input: bidInputFor(),
      now,
    });
    const [file] = await addAttachments({
      db: db.prisma,
      storage,
      actor: w.solverA,
      ownerType: "bid",
      ownerId: bidId,
      files: [{ name: "团队资质.docx", bytes: SAMPLE_FILES.docx }],
      maxBytes: MAX,
      now,
    });
    const open = (actor: Parameters<typeof openAttachment>[0]["actor"], at = now) =>
      openAttachment({ db: db.prisma, storage, actor, attachmentId: file!.id, now: at });
    expect((await open(w.solverA)).contentType).toContain("wordprocessingml");
    for (const actor of [w.solverB, w.seeker, w.officer, w.experts[0]!, w.stranger, null])
      expect((await refusal(open(actor))).code).toBe("not_found");
    // Another bidder cannot add to or remove from it either.
    expect(
      (await refusal(removeAttachment({ db: db.prisma, storage, actor: w.solverB, attachmentId: file!.id, now }))).code,
    ).toBe("not_found");

    // After the deadline and the close of bidding, the enterprise and zone may read; bidder B still not.
    const after = new Date(challenge.bidDeadline.getTime() + 60_000);
    await closeDueBidding({ db: db.prisma, now: after });
    expect((await db.prisma.challenge.findUniqueOrThrow({ where: { id: challenge.id } })).status).toBe(
      "bidding_closed",
    );
    expect((await open(w.seeker, after)).attachment.id).toBe(file!.id);
    expect((await open(w.officer, after)).attachment.id).toBe(file!.id);
    expect((await refusal(open(w.solverB, after))).code).toBe("not_found");
    expect((await refusal(open(w.otherOfficer, after))).code).toBe("not_found");
    // Frozen: the bidder can no longer change the files.
    expect(
      (
        await refusal(
          removeAttachment({ db: db.prisma, storage, actor: w.solverA, attachmentId: file!.id, now: after }),
        )
      ).code,
    ).toBe("conflict");
  });
});
