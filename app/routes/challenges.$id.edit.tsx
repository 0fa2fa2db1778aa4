import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import {
  addAttachments,
  getChallengeDetail,
  listAttachments,
  removeAttachment,
  richTextToPlain,
  seekerAnonymous,
  updateChallenge,
} from "../domain.server.ts";
import { ChallengeForm, type ChallengeFormDefaults } from "../components/challenge-form.tsx";
import type { FailureLike } from "../components/form.tsx";
import attachmentStyles from "../styles/attachments.css";
import styles from "../styles/challenges.css";
import { requireUser } from "../utils/auth.server.ts";
import { challengeFormFailure, challengeFormInput, db, shanghaiInputValue } from "../utils/challenges.server.ts";
import {
  attachmentItems,
  attachmentLimits,
  checkUploads,
  removedAttachmentIds,
  storage,
  uploadedFiles,
  uploadLimits,
} from "../utils/attachments.server.ts";
import { now } from "../utils/clock.server.ts";
import { domainCall } from "../utils/domain.server.ts";
import { FILE_FIELDS, readFormOnce } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "stylesheet", href: attachmentStyles },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const current = await requireUser(request, context);
  const challengeId = params.id ?? "";
  const c = await domainCall(() =>
    getChallengeDetail({ db: db(context), actor: current.actor, challengeId, now: now() }),
  );
  if (!c.viewer.isSeeker) throw Response.json({ permission: "post:challenge:own" }, { status: 403 });
  if (c.status !== "draft" && c.status !== "returned") throw redirect(`/challenges/${challengeId}/manage`);
  const indicators = Array.isArray(c.indicators)
    ? (c.indicators as { name: string; target: string; unit?: string }[])
    : [];
  const defaults: ChallengeFormDefaults = {
    title: c.title,
    problemStatement: richTextToPlain(c.problemStatement),
    industry: c.industry,
    fieldTags: c.fieldTags.join("，"),
    bidDeadline: shanghaiInputValue(c.bidDeadline),
    ipTerms: c.ipTerms,
    visibility: c.visibility,
    domesticAllowed: c.eligibility.domesticAllowed,
    internationalAllowed: c.eligibility.internationalAllowed,
    individualsAllowed: c.eligibility.individualsAllowed,
    seekerAnonymous: await seekerAnonymous({ db: db(context), challengeId }),
    eligibleOrgTypes: c.eligibility.eligibleOrgTypes,
    indicators: indicators.map((i) => ({ name: i.name, target: i.target, unit: i.unit ?? "" })),
    milestones: c.milestones.map((m) => ({
      name: m.name,
      deliverable: m.deliverable,
      acceptanceCriteria: m.acceptanceCriteria,
      amount: (Number(m.amount) / 100).toFixed(2),
      dueDate: shanghaiInputValue(m.dueDate, true),
    })),
  };
  const files = await listAttachments({
    db: db(context),
    actor: current.actor,
    ownerType: "challenge",
    ownerId: challengeId,
    now: now(),
  });
  return {
    id: c.id,
    title: c.title,
    statusReason: c.statusReason,
    defaults,
    attachments: { items: attachmentItems(files.items), ...attachmentLimits(context) },
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const current = await requireUser(request, context);
  const form = await readFormOnce(request, context, { uploads: uploadLimits(context), lists: FILE_FIELDS });
  const challengeId = params.id ?? "";
  let values: Record<string, unknown> = {};
  try {
    const read = challengeFormInput(form);
    values = read.values;
    const files = await uploadedFiles(form);
    checkUploads(context, files);
    const base = { db: db(context), storage: storage(context), actor: current.actor, now: now() };
    await updateChallenge({ db: base.db, actor: base.actor, challengeId, input: read.input, now: base.now });
    for (const attachmentId of removedAttachmentIds(form)) await removeAttachment({ ...base, attachmentId });
    await addAttachments({
      ...base,
      ownerType: "challenge",
      ownerId: challengeId,
      files,
      maxBytes: uploadLimits(context).maxBytes,
    });
  } catch (error) {
    if (Object.keys(values).length === 0)
      for (const [k, v] of form.entries()) if (typeof v === "string" && k !== "csrf") values[k] = v;
    return challengeFormFailure(error, values);
  }
  return redirect(`/challenges/${challengeId}/manage`);
}

export default function EditChallenge() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<FailureLike>();
  const t = useT();
  return (
    <>
      <p className="small">
        <Link to={`/challenges/${data.id}/manage`}>← {data.title}</Link>
      </p>
      <h1>{t("challengeForm.editTitle")}</h1>
      {data.statusReason ? (
        <div className="alert info" role="note">
          {t("challenges.statusReason")}: {data.statusReason}
        </div>
      ) : null}
      <section className="panel">
        <ChallengeForm
          defaults={data.defaults}
          failure={failure}
          submitLabel={t("challengeForm.save")}
          attachments={data.attachments}
        />
      </section>
    </>
  );
}
