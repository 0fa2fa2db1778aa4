import { Form } from "@remix-run/react";
import { failureOf } from "../challenge.tsx";
import { FormAlert } from "../form.tsx";
import { useT } from "../../utils/i18n.tsx";
import { IntentForm } from "./intent-form.tsx";
import type { SectionProps } from "./types.ts";

const CAN_INVITE = ["draft", "submitted", "returned", "approved", "published"];
const CAN_UNINVITE = ["draft", "submitted", "returned", "approved"];

// Invited solvers of an invited-only challenge (ADR 0017): the enterprise finds researchers and
// solver organisations by name or e-mail, invites them until bidding closes, removes them before publishing.
export function Invitees({ data, failure }: SectionProps) {
  const t = useT();
  const c = data.challenge;
  const inv = data.invitees!;
  const editable = c.viewer.isSeeker && CAN_INVITE.includes(c.status);
  const removable = c.viewer.isSeeker && CAN_UNINVITE.includes(c.status);
  const label = (i: { kind: string; name: string; detail: string }) =>
    `${i.name} · ${i.kind === "organisation" ? t(`orgType.${i.detail}`) : `${t("invites.researcher")} ${i.detail}`}`;
  return (
    <section className="panel" aria-labelledby="invitees-heading" data-testid="invitees">
      <h2 id="invitees-heading">{t("invites.title")}</h2>
      <p className="small muted">{t("invites.lead")}</p>
      <FormAlert failure={failureOf(failure, "inviteSolver") ?? failureOf(failure, "uninviteSolver")} />
      {inv.list.length === 0 ? (
        <p className="muted">{t("invites.none")}</p>
      ) : (
        <ul data-testid="invitee-list">
          {inv.list.map((i) => (
            <li key={i.id}>
              {label(i)}{" "}
              {removable ? (
                <IntentForm intent="uninviteSolver" target={i.id} className="inline-form">
                  <button type="submit" className="button secondary small">
                    {t("invites.remove")}
                  </button>
                </IntentForm>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {editable ? (
        <>
          <Form method="get" className="stack" role="search" aria-label={t("invites.search")}>
            <label htmlFor="invite-query">{t("invites.search")}</label>
            <input id="invite-query" name="inviteQuery" type="search" defaultValue={inv.query} minLength={2} />
            <div>
              <button type="submit" className="button secondary">
                {t("invites.find")}
              </button>
            </div>
          </Form>
          {inv.query.length >= 2 && inv.candidates.length === 0 ? (
            <p className="muted">{t("invites.noMatch")}</p>
          ) : null}
          {inv.candidates.length > 0 ? (
            <ul data-testid="invite-candidates">
              {inv.candidates.map((i) => (
                <li key={`${i.kind}-${i.id}`}>
                  {label(i)}{" "}
                  <IntentForm intent="inviteSolver" className="inline-form">
                    <input type="hidden" name={i.kind === "user" ? "userId" : "organisationId"} value={i.id} />
                    <button type="submit" className="button small">
                      {t("invites.add")}
                    </button>
                  </IntentForm>
                </li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
