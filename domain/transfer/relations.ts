import type { OrganisationRelation, OrganisationRelationKind } from "#db/generated/client/client.ts";
import { can, type Actor } from "../access/permissions.ts";
import { recordAudit } from "../audit/record.ts";
import type { Db, DbOrTx } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { inLedgerTransaction } from "../ledger/sql.ts";
import { memberOf } from "./access.ts";
import { TRANSFER_ERRORS } from "./constants.ts";
import { decideRelated, type RelatedDecision, type RelationEdge } from "./rules.ts";

/**
 * Declared relations between organisations (关联关系) and the related-party decision of a deal
 * (rules.ts decideRelated; ADR 0012). A manager of either organisation may declare a relation.
 */

export async function declareRelation(options: {
  db: Db;
  actor: Actor;
  fromOrganisationId: string;
  toOrganisationId: string;
  kind: OrganisationRelationKind;
  /** Shareholding only: the share `from` holds in `to`, in basis points (2500 = 25 %). */
  sharePercentBp?: number | null;
  note?: string;
}): Promise<OrganisationRelation> {
  const { actor, fromOrganisationId, toOrganisationId, kind } = options;
  const mine = [fromOrganisationId, toOrganisationId].find(
    (id) => memberOf(actor, id) && can(actor, "declare:relation:own", { organisationId: id }),
  );
  if (!mine) throw new AppError("forbidden", "errors.forbidden", { params: { permission: "declare:relation:own" } });
  if (fromOrganisationId === toOrganisationId)
    throw new AppError("bad_request", TRANSFER_ERRORS.relationSelf, {
      fieldErrors: { toOrganisationId: TRANSFER_ERRORS.relationSelf },
    });
  const share = kind === "shareholding" ? options.sharePercentBp : null;
  if (kind === "shareholding" && (!Number.isInteger(share) || share! < 1 || share! > 10_000))
    throw new AppError("bad_request", TRANSFER_ERRORS.relationShare, {
      fieldErrors: { sharePercentBp: TRANSFER_ERRORS.relationShare },
    });
  return inLedgerTransaction(options.db, async (tx) => {
    const exists = await tx.organisationRelation.findUnique({
      where: { fromOrganisationId_toOrganisationId_kind: { fromOrganisationId, toOrganisationId, kind } },
    });
    if (exists) throw new AppError("conflict", TRANSFER_ERRORS.relationExists);
    // The other organisation's id comes from the form: unknown is a 404, not a foreign-key error.
    const other = mine === fromOrganisationId ? toOrganisationId : fromOrganisationId;
    if (!(await tx.organisation.findUnique({ where: { id: other }, select: { id: true } })))
      throw new AppError("not_found", "errors.notFound");
    const row = await tx.organisationRelation.create({
      data: {
        fromOrganisationId,
        toOrganisationId,
        kind,
        sharePercentBp: share ?? null,
        note: String(options.note ?? "")
          .trim()
          .slice(0, 500),
        declaredById: actor.userId,
      },
    });
    await recordAudit(tx, {
      actorId: actor.userId,
      action: "organisation.declareRelation",
      entityType: "OrganisationRelation",
      entityId: row.id,
      after: { fromOrganisationId, toOrganisationId, kind, sharePercentBp: share ?? null },
    });
    return row;
  });
}

/** The relations declared by or about an organisation (for its settings page). */
export function relationsOf(options: { db: DbOrTx; organisationId: string }): Promise<OrganisationRelation[]> {
  return options.db.organisationRelation.findMany({
    where: { OR: [{ fromOrganisationId: options.organisationId }, { toOrganisationId: options.organisationId }] },
    orderBy: { createdAt: "asc" },
  });
}

/**
 * Whether two organisations are related, from every declared relation reachable from either of
 * them (breadth-first over the table, at most 10 hops, so a big graph costs a few queries).
 */
export async function relatedPartiesOf(db: DbOrTx, a: string, b: string): Promise<RelatedDecision> {
  const seen = new Set([a, b]);
  let frontier = [a, b];
  const edges = new Map<string, RelationEdge>();
  for (let hop = 0; hop < 10 && frontier.length > 0; hop++) {
    const rows = await db.organisationRelation.findMany({
      where: { OR: [{ fromOrganisationId: { in: frontier } }, { toOrganisationId: { in: frontier } }] },
      select: { id: true, fromOrganisationId: true, toOrganisationId: true, kind: true, sharePercentBp: true },
    });
    const next: string[] = [];
    for (const r of rows) {
      edges.set(r.id, {
        fromOrganisationId: r.fromOrganisationId,
        toOrganisationId: r.toOrganisationId,
        kind: r.kind,
        sharePercentBp: r.sharePercentBp,
      });
      for (const id of [r.fromOrganisationId, r.toOrganisationId])
        if (!seen.has(id)) {
          seen.add(id);
          next.push(id);
        }
    }
    frontier = next;
  }
  return decideRelated(a, b, [...edges.values()]);
}
