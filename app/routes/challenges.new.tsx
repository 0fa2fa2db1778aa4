import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { addAttachments, createChallenge } from "../domain.server.ts";
import type { AttachmentItem } from "../components/attachments.tsx";
import { ChallengeForm, type ChallengeFormDefaults } from "../components/challenge-form.tsx";
import type { FailureLike } from "../components/form.tsx";
import attachmentStyles from "../styles/attachments.css";
import styles from "../styles/challenges.css";
import { requirePermission, requireUser } from "../utils/auth.server.ts";
import {
  challengeFormFailure,
  challengeFormInput,
  db,
  seekerOrganisations,
  shanghaiInputValue,
} from "../utils/challenges.server.ts";
import { attachmentLimits, checkUploads, storage, uploadedFiles, uploadLimits } from "../utils/attachments.server.ts";
import { now } from "../utils/clock.server.ts";
import { FILE_FIELDS, readFormOnce } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "stylesheet", href: attachmentStyles },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await requireUser(request, context);
  const orgs = seekerOrganisations(current);
  await requirePermission(request, context, "post:challenge:own", { organisationId: orgs[0]?.id ?? "none" });
  const deadline = new Date(now().getTime() + 30 * 86_400_000);
  deadline.setUTCHours(9, 0, 0, 0); // 17:00 in Shanghai
  const defaults: ChallengeFormDefaults = {
    title: "",
    problemStatement: "",
    industry: "",
    fieldTags: "",
    bidDeadline: shanghaiInputValue(deadline),
    ipTerms: "non_exclusive_licence",
    visibility: "public",
    domesticAllowed: true,
    internationalAllowed: true,
    individualsAllowed: true,
    seekerAnonymous: false,
    eligibleOrgTypes: [],
    indicators: [],
    milestones: [],
  };
  return { orgs, defaults, attachments: { items: [] as AttachmentItem[], ...attachmentLimits(context) } };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const current = await requireUser(request, context);
  const form = await readFormOnce(request, context, { uploads: uploadLimits(context), lists: FILE_FIELDS });
  const orgs = seekerOrganisations(current);
  const organisationId = orgs.find((o) => o.id === form.get("organisationId"))?.id ?? orgs[0]?.id ?? "none";
  await requirePermission(request, context, "post:challenge:own", { organisationId });
  let values: Record<string, unknown> = {};
  try {
    const read = challengeFormInput(form);
    values = read.values;
    const files = await uploadedFiles(form);
    checkUploads(context, files);
    const { challengeId } = await createChallenge({
      db: db(context),
      actor: current.actor,
      organisationId,
      input: read.input,
      now: now(),
    });
    await addAttachments({
      db: db(context),
      storage: storage(context),
      actor: current.actor,
      ownerType: "challenge",
      ownerId: challengeId,
      files,
      maxBytes: uploadLimits(context).maxBytes,
      now: now(),
    });
    return redirect(`/challenges/${challengeId}/manage?created=1`);
  } catch (error) {
    if (Object.keys(values).length === 0)
      for (const [k, v] of form.entries()) if (typeof v === "string" && k !== "csrf") values[k] = v;
    return challengeFormFailure(error, values);
  }
}

export default function NewChallenge() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<FailureLike>();
  const t = useT();
  return (
    <>
      <h1>{t("challengeForm.newTitle")}</h1>
      <p className="muted">{t("challengeForm.newLead")}</p>
      <section className="panel">
        <ChallengeForm
          defaults={data.defaults}
          failure={failure}
          submitLabel={t("challengeForm.saveDraft")}
          organisations={data.orgs}
          attachments={data.attachments}
        />
      </section>
    </>
  );
}
