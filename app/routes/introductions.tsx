import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { answerIntroduction, pendingIntroductionsFor } from "../domain.server.ts";
import { CsrfInput } from "../components/csrf-input.tsx";
import { DateTime } from "../components/datetime.tsx";
import { FormAlert, type FailureLike } from "../components/form.tsx";
import { requireUser } from "../utils/auth.server.ts";
import { appErrorResponse, parseForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.tsx";

/**
 * Owners and admins of an organisation answer brokers' introductions of it to offers: only an
 * accepted one makes the broker the deal's broker (ADR 0022). The domain checks who manages what.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await requireUser(request, context);
  const rows = await pendingIntroductionsFor({ db: context.services.database.prisma, actor: current.actor });
  return { introductions: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })) };
}

const schema = z.object({
  introductionId: z.string({ error: "form.required" }).min(1, "form.required").max(100),
  answer: z.enum(["accept", "decline"], { error: "form.required" }),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const current = await requireUser(request, context);
  const parsed = await parseForm(request, context, schema);
  if ("failure" in parsed) return parsed.failure;
  try {
    await answerIntroduction({
      db: context.services.database.prisma,
      actor: current.actor,
      introductionId: parsed.value.introductionId,
      accept: parsed.value.answer === "accept",
    });
    return { ok: true as const, answer: parsed.value.answer };
  } catch (error) {
    return appErrorResponse(error, parsed.values);
  }
}

export default function Introductions() {
  const { introductions } = useLoaderData<typeof loader>();
  const result = useActionData<FailureLike | { ok: true; answer: string }>();
  const done = result && "ok" in result && result.ok === true ? (result as { ok: true; answer: string }) : undefined;
  const t = useT();
  return (
    <>
      <h1>{t("introductions.title")}</h1>
      <p className="muted">{t("introductions.lead")}</p>
      {done ? (
        <div className="alert success" role="status">
          {t(`introductions.done.${done.answer}`)}
        </div>
      ) : (
        <FormAlert failure={result as FailureLike | undefined} />
      )}
      {introductions.length === 0 ? <div className="empty">{t("introductions.none")}</div> : null}
      <ul className="stack">
        {introductions.map((i) => (
          <li key={i.id} className="panel">
            <p>
              {t("introductions.row", {
                broker: i.broker.name,
                buyer: i.buyerOrganisation.name,
                seller: i.offer.ownerOrganisation.name,
              })}{" "}
              <Link to={`/offers/${i.offer.id}`}>{i.offer.title}</Link> · <DateTime value={i.createdAt} />
            </p>
            {i.broker.brokerProfile ? (
              <p className="muted small">
                {t("verifications.credential")} {i.broker.brokerProfile.credentialNumber} ·{" "}
                {t(`transfer.brokerLevel.${i.broker.brokerProfile.level}`)} ·{" "}
                {t(`confirmation.broker.${i.broker.brokerProfile.confirmation}`)}
              </p>
            ) : null}
            {i.note ? <p>{i.note}</p> : null}
            <Form method="post" className="inline-form">
              <CsrfInput />
              <input type="hidden" name="introductionId" value={i.id} />
              <button type="submit" name="answer" value="accept" className="button small">
                {t("introductions.accept")}
              </button>
              <button type="submit" name="answer" value="decline" className="button secondary small">
                {t("introductions.decline")}
              </button>
            </Form>
          </li>
        ))}
      </ul>
    </>
  );
}
