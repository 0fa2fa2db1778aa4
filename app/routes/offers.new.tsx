import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { createOffer } from "../domain.server.ts";
import type { FailureLike } from "../components/form.tsx";
import { EMPTY_OFFER, OfferForm } from "../components/offer-form.tsx";
import challengeStyles from "../styles/challenges.css";
import styles from "../styles/transfer.css";
import { requirePermission, requireUser } from "../utils/auth.server.ts";
import { db } from "../utils/challenges.server.ts";
import { readFormOnce } from "../utils/forms.server.ts";
import { OFFER_LIST_FIELDS, offerFormInput, sellerOrganisations, transferFailure } from "../utils/transfer.server.ts";
import { useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: challengeStyles },
  { rel: "stylesheet", href: styles },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await requireUser(request, context);
  const orgs = sellerOrganisations(current);
  await requirePermission(request, context, "publish:offer:own", { organisationId: orgs[0]?.id ?? "none" });
  return { orgs };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const current = await requireUser(request, context);
  const form = await readFormOnce(request, context, { lists: OFFER_LIST_FIELDS });
  const orgs = sellerOrganisations(current);
  const organisationId = orgs.find((o) => o.id === form.get("organisationId"))?.id ?? orgs[0]?.id ?? "none";
  await requirePermission(request, context, "publish:offer:own", { organisationId });
  try {
    const offer = await createOffer({
      db: db(context),
      actor: current.actor,
      organisationId,
      input: offerFormInput(form),
    });
    return redirect(`/offers/${offer.id}/edit?created=1`);
  } catch (error) {
    return transferFailure(error, form);
  }
}

export default function NewOffer() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<FailureLike>();
  const t = useT();
  return (
    <>
      <h1>{t("offerForm.newTitle")}</h1>
      <p className="muted">{t("offerForm.newLead")}</p>
      <section className="panel">
        <OfferForm
          defaults={EMPTY_OFFER}
          failure={failure}
          submitLabel={t("offerForm.saveDraft")}
          organisations={data.orgs}
        />
      </section>
    </>
  );
}
