import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { can } from "#domain/access/permissions.ts";
import { AppError, isAppError } from "#domain/errors.ts";
import type { BidInput } from "#domain/challenges/validation.ts";
import {
  addAttachments,
  editBid,
  getChallengeDetail,
  listAttachments,
  myBidInChallenge,
  parseMoney,
  removeAttachment,
  submitBid,
  withdrawBid,
} from "../domain.server.ts";
import { AttachmentInput, AttachmentList } from "../components/attachments.tsx";
import { Control } from "../components/challenge.tsx";
import { CsrfInput } from "../components/csrf-input.tsx";
import { DateTime } from "../components/datetime.tsx";
import { FormAlert, type FailureLike } from "../components/form.tsx";
import { Money } from "../components/money.tsx";
import attachmentStyles from "../styles/attachments.css";
import styles from "../styles/challenges.css";
import { requirePermission, type CurrentUser } from "../utils/auth.server.ts";
import {
  attachmentItems,
  attachmentLimits,
  checkUploads,
  removedAttachmentIds,
  storage,
  uploadedFiles,
  uploadLimits,
} from "../utils/attachments.server.ts";
import { db, plain } from "../utils/challenges.server.ts";
import { now } from "../utils/clock.server.ts";
import { domainCall } from "../utils/domain.server.ts";
import { parseWholeNumber } from "../utils/form-types.ts";
import { FILE_FIELDS, appErrorResponse, readFormOnce } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "stylesheet", href: attachmentStyles },
];

const MEMBER_ROWS = 3;

/** The organisations the user may bid for (individual researchers bid as themselves). */
function bidderOrganisations(current: CurrentUser) {
  return current.memberships
    .filter(
      (m) =>
        can(current.actor, "bid:challenge:any", { organisationId: m.organisation.id }) &&
        m.organisation.type !== "zone_administration" &&
        m.organisation.type !== "platform",
    )
    .map((m) => ({ id: m.organisation.id, name: m.organisation.name }));
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const current = await requirePermission(request, context, "bid:challenge:any");
  const challengeId = params.id ?? "";
  const detail = await domainCall(() =>
    getChallengeDetail({ db: db(context), actor: current.actor, challengeId, now: now() }),
  );
  const mine = await myBidInChallenge({ db: db(context), actor: current.actor, challengeId });
  const url = new URL(request.url);
  const files =
    mine && mine.status === "submitted"
      ? await listAttachments({ db: db(context), actor: current.actor, ownerType: "bid", ownerId: mine.id, now: now() })
      : { items: [], canChange: false };
  return {
    attachments: { items: attachmentItems(files.items), canChange: files.canChange, ...attachmentLimits(context) },
    challenge: plain({
      id: detail.id,
      title: detail.title,
      bounty: detail.bounty,
      bidDeadline: detail.bidDeadline,
      status: detail.status,
      milestones: detail.milestones.map((m) => ({ index: m.index, name: m.name, amount: m.amount })),
      individualsAllowed: detail.eligibility.individualsAllowed,
    }),
    open: detail.status === "published" && detail.bidDeadline > now(),
    mine: mine && mine.status === "submitted" ? plain(mine) : null,
    orgs: bidderOrganisations(current),
    isResearcher: current.roles.includes("researcher"),
    saved: url.searchParams.get("saved") === "1",
  };
}

function readBid(form: FormData, milestoneCount: number): BidInput {
  const str = (k: string) => String(form.get(k) ?? "").trim();
  const fieldErrors: Record<string, string> = {};
  let price = 0n;
  try {
    price = parseMoney(str("price"), { field: "price" });
  } catch (error) {
    if (!isAppError(error)) throw error;
    fieldErrors.price = error.messageKey;
  }
  const schedule = [];
  for (let i = 1; i <= milestoneCount; i++) {
    // Whole days, digits only: "1e3" and "3abc" are errors, not 1 and 3.
    const days = parseWholeNumber(str(`schedule.${i}`), 1, 36_500);
    if (days === undefined) fieldErrors[`schedule.${i}`] = "errors.bid.field.schedule";
    schedule.push({ milestoneIndex: i, days: days ?? 0 });
  }
  if (Object.keys(fieldErrors).length > 0)
    throw new AppError("bad_request", "errors.challenge.invalid", { fieldErrors });
  const members = [];
  for (let i = 0; i < MEMBER_ROWS; i++) {
    const name = str(`members.${i}.name`);
    const role = str(`members.${i}.role`);
    const organisation = str(`members.${i}.organisation`);
    if (name || role || organisation) members.push({ name, role, ...(organisation ? { organisation } : {}) });
  }
  return {
    approach: str("approach"),
    price,
    members,
    teamOrganisations: str("teamOrganisations")
      .split(/[,，、;；\n]/)
      .map((s) => s.trim())
      .filter(Boolean),
    schedule,
    credentials: str("credentials"),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const current = await requirePermission(request, context, "bid:challenge:any");
  const form = await readFormOnce(request, context, { uploads: uploadLimits(context), lists: FILE_FIELDS });
  const values: Record<string, unknown> = {};
  for (const [k, v] of form.entries()) if (typeof v === "string" && k !== "csrf") values[k] = v;
  const challengeId = params.id ?? "";
  const base = { db: db(context), actor: current.actor, now: now() };
  try {
    const mine = await myBidInChallenge({ db: base.db, actor: current.actor, challengeId });
    if (form.get("intent") === "withdraw") {
      if (!mine) throw new AppError("not_found", "errors.bid.notFound");
      await withdrawBid({ ...base, bidId: mine.id });
      return redirect(`/challenges/mine?withdrawn=1`);
    }
    const detail = await getChallengeDetail({ db: base.db, actor: current.actor, challengeId, now: base.now });
    const input = readBid(form, detail.milestones.length);
    const files = await uploadedFiles(form);
    checkUploads(context, files);
    let bidId: string;
    if (mine && mine.status === "submitted") {
      await editBid({ ...base, bidId: mine.id, input });
      bidId = mine.id;
    } else {
      const org = String(form.get("organisationId") ?? "");
      const organisationId =
        org === "individual" ? null : (bidderOrganisations(current).find((o) => o.id === org)?.id ?? null);
      bidId = (await submitBid({ ...base, challengeId, organisationId, input })).bidId;
    }
    const files$ = { ...base, storage: storage(context) };
    for (const attachmentId of removedAttachmentIds(form)) await removeAttachment({ ...files$, attachmentId });
    await addAttachments({
      ...files$,
      ownerType: "bid",
      ownerId: bidId,
      files,
      maxBytes: uploadLimits(context).maxBytes,
    });
  } catch (error) {
    return appErrorResponse(error, values);
  }
  return redirect(`/challenges/${challengeId}/bid?saved=1`);
}

export default function BidPage() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<FailureLike>();
  const t = useT();
  const c = data.challenge;
  const mine = data.mine;
  const members = Array.isArray(mine?.members)
    ? (mine.members as { name: string; role: string; organisation?: string }[])
    : [];
  const schedule = Array.isArray(mine?.schedule) ? (mine.schedule as { milestoneIndex: number; days: number }[]) : [];
  return (
    <>
      <p className="small">
        <Link to={`/challenges/${c.id}`}>← {c.title}</Link>
      </p>
      <h1>{mine ? t("bidForm.editTitle") : t("bidForm.title")}</h1>
      <p className="muted">
        {t("challenges.bounty")}: <Money value={c.bounty} /> · {t("challenges.deadline")}:{" "}
        <DateTime value={c.bidDeadline} />
      </p>
      <div className="alert info" role="note">
        {t("bidForm.sealedNote")}
      </div>
      {data.saved && mine?.receipt ? (
        <div className="alert success receipt" role="status" data-testid="receipt">
          <strong>{t("bidForm.saved")}</strong>
          <div>
            {t("bidForm.commitment")}: <code>{mine.receipt.commitment}</code>
          </div>
          <div>
            {t("bidForm.serverTime")}: <DateTime value={mine.receipt.serverTime} />
          </div>
        </div>
      ) : null}
      {!data.open ? (
        <>
          <div className="empty">{t("bidForm.closed")}</div>
          {data.attachments.items.length > 0 ? (
            <section className="panel">
              <AttachmentList items={data.attachments.items} title={t("attachments.title")} />
            </section>
          ) : null}
        </>
      ) : (
        <section className="panel">
          <FormAlert failure={failure?.values?.intent === "withdraw" ? undefined : failure} />
          <Form method="post" encType="multipart/form-data" className="stack" noValidate>
            <CsrfInput />
            <input type="hidden" name="intent" value="save" />
            {mine ? null : (
              <Control
                id="b-org"
                name="organisationId"
                as="select"
                label={t("bidForm.organisation")}
                options={[
                  ...data.orgs.map((o) => ({ value: o.id, label: o.name })),
                  ...(data.isResearcher && c.individualsAllowed
                    ? [{ value: "individual", label: t("bidForm.asIndividual") }]
                    : []),
                ]}
                failure={failure}
              />
            )}
            <Control
              id="b-approach"
              name="approach"
              as="textarea"
              label={t("bidForm.approach")}
              hint={t("bidForm.approachHint")}
              defaultValue={mine?.approach ?? ""}
              failure={failure}
              required
            />
            <Control
              id="b-price"
              name="price"
              label={t("bidForm.price")}
              hint={t("bidForm.priceHint")}
              defaultValue={mine ? (Number(mine.price) / 100).toFixed(2) : ""}
              failure={failure}
              required
            />
            <fieldset className="milestone-rows">
              <legend>{t("bidForm.schedule")}</legend>
              {c.milestones.map((m) => (
                <Control
                  key={m.index}
                  id={`b-schedule-${m.index}`}
                  name={`schedule.${m.index}`}
                  type="number"
                  label={t("bidForm.scheduleDays", { n: m.index, name: m.name })}
                  defaultValue={String(schedule.find((s) => s.milestoneIndex === m.index)?.days ?? "")}
                  failure={failure}
                />
              ))}
            </fieldset>
            <fieldset className="milestone-rows">
              <legend>{t("bidForm.team")}</legend>
              {Array.from({ length: MEMBER_ROWS }, (_, i) => (
                <fieldset className="row-grid" key={i}>
                  <legend>{t("bidForm.memberRow", { n: i + 1 })}</legend>
                  <Control
                    id={`b-m-${i}-name`}
                    name={`members.${i}.name`}
                    label={t("bidForm.memberName")}
                    defaultValue={members[i]?.name ?? ""}
                    failure={failure}
                  />
                  <Control
                    id={`b-m-${i}-role`}
                    name={`members.${i}.role`}
                    label={t("bidForm.memberRole")}
                    defaultValue={members[i]?.role ?? ""}
                    failure={failure}
                  />
                  <Control
                    id={`b-m-${i}-org`}
                    name={`members.${i}.organisation`}
                    label={t("bidForm.memberOrg")}
                    defaultValue={members[i]?.organisation ?? ""}
                    failure={failure}
                  />
                </fieldset>
              ))}
              <Control
                id="b-team-orgs"
                name="teamOrganisations"
                label={t("bidForm.teamOrganisations")}
                hint={t("challengeForm.fieldTagsHint")}
                defaultValue={mine?.teamOrganisations.join("，") ?? ""}
                failure={failure}
              />
            </fieldset>
            <Control
              id="b-credentials"
              name="credentials"
              as="textarea"
              label={t("bidForm.credentials")}
              defaultValue={mine?.credentials ?? ""}
              failure={failure}
            />
            <fieldset className="stack">
              <legend>{t("attachments.title")}</legend>
              <p className="m0 small muted">{t("attachments.sealed")}</p>
              {data.attachments.items.length > 0 ? (
                <AttachmentList items={data.attachments.items} removable={data.attachments.canChange} />
              ) : null}
              {/* Keyed by the stored files, so a saved selection is cleared and not sent twice. */}
              <AttachmentInput
                key={data.attachments.items.map((a) => a.id).join(",")}
                failure={failure}
                maxMegabytes={data.attachments.maxMegabytes}
                maxFiles={data.attachments.maxFiles}
              />
            </fieldset>
            <div>
              <button type="submit" className="button">
                {mine ? t("bidForm.saveEdit") : t("bidForm.submit")}
              </button>
            </div>
          </Form>
          {mine ? (
            <Form method="post" className="sub-panel">
              <CsrfInput />
              <input type="hidden" name="intent" value="withdraw" />
              <FormAlert failure={failure?.values?.intent === "withdraw" ? failure : undefined} />
              <button type="submit" className="button secondary">
                {t("bidForm.withdraw")}
              </button>
            </Form>
          ) : null}
        </section>
      )}
    </>
  );
}
