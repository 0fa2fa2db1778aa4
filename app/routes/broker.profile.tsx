import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { BROKER_LEVELS } from "#domain/transfer/constants.ts";
import { listZones, upsertBrokerProfile } from "../domain.server.ts";
import { Control } from "../components/challenge.tsx";
import { CsrfInput } from "../components/csrf-input.tsx";
import { FormAlert, type FailureLike } from "../components/form.tsx";
import challengeStyles from "../styles/challenges.css";
import styles from "../styles/transfer.css";
import { requirePermission } from "../utils/auth.server.ts";
import { db } from "../utils/challenges.server.ts";
import { appErrorResponse, parseForm } from "../utils/forms.server.ts";
import { useLocale, useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: challengeStyles },
  { rel: "stylesheet", href: styles },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await requirePermission(request, context, "broker:deal:any");
  const d = db(context);
  const [profile, zones, agencies] = await Promise.all([
    d.brokerProfile.findUnique({ where: { userId: current.actor.userId } }),
    listZones({ db: d }),
    d.organisation.findMany({
      where: { type: "service_provider", memberships: { some: { userId: current.actor.userId } } },
      select: { id: true, name: true },
    }),
  ]);
  return {
    profile: profile
      ? {
          credentialNumber: profile.credentialNumber,
          level: profile.level,
          fields: profile.fields.join("，"),
          zoneId: profile.zoneId,
          agencyOrganisationId: profile.agencyOrganisationId ?? "",
          confirmation: profile.confirmation,
          reviewNote: profile.reviewNote,
          bio: profile.bio ?? "",
        }
      : null,
    zones: zones.map((z) => ({ id: z.id, nameZh: z.nameZh, nameEn: z.nameEn })),
    agencies,
  };
}

const schema = z.object({
  credentialNumber: z.string({ error: "errors.transfer.credentialNumber" }),
  level: z.enum(BROKER_LEVELS),
  fields: z.string().optional(),
  zoneId: z.string({ error: "form.required" }),
  agencyOrganisationId: z.string().optional(),
  bio: z.string().optional(),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const current = await requirePermission(request, context, "broker:deal:any");
  const parsed = await parseForm(request, context, schema);
  if ("failure" in parsed) return parsed.failure;
  const v = parsed.value;
  try {
    await upsertBrokerProfile({
      db: db(context),
      actor: current.actor,
      input: {
        credentialNumber: v.credentialNumber,
        level: v.level,
        fields: (v.fields ?? "")
          .split(/[,，、\s]+/)
          .map((s) => s.trim())
          .filter(Boolean),
        zoneId: v.zoneId,
        agencyOrganisationId: v.agencyOrganisationId || null,
        bio: v.bio,
      },
    });
    return redirect("/broker");
  } catch (error) {
    return appErrorResponse(error, parsed.values);
  }
}

export default function BrokerProfile() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<FailureLike>();
  const t = useT();
  const locale = useLocale();
  const p = data.profile;
  return (
    <>
      <p className="small">
        <Link to="/broker">← {t("broker.title")}</Link>
      </p>
      <h1>{t("broker.profileTitle")}</h1>
      {p ? (
        <div className={p.confirmation === "confirmed" ? "alert success" : "alert"} role="status">
          {t(`confirmation.broker.${p.confirmation}`)} — {t(`confirmation.brokerHint.${p.confirmation}`)}
          {p.reviewNote ? ` (${p.reviewNote})` : ""}
        </div>
      ) : null}
      <section className="panel">
        <Form method="post" className="stack">
          <CsrfInput />
          <FormAlert failure={failure} />
          <div className="form-grid">
            <Control
              id="b-cred"
              name="credentialNumber"
              label={t("broker.credential")}
              failure={failure}
              defaultValue={p?.credentialNumber ?? ""}
            />
            <Control
              id="b-level"
              name="level"
              label={t("broker.level")}
              as="select"
              failure={failure}
              defaultValue={p?.level ?? "junior"}
              options={BROKER_LEVELS.map((l) => ({ value: l, label: t(`transfer.brokerLevel.${l}`) }))}
            />
            <Control
              id="b-zone"
              name="zoneId"
              label={t("challenges.zone")}
              as="select"
              failure={failure}
              defaultValue={p?.zoneId ?? ""}
              options={data.zones.map((z) => ({ value: z.id, label: locale === "en" ? z.nameEn : z.nameZh }))}
            />
            <Control
              id="b-agency"
              name="agencyOrganisationId"
              label={t("broker.agency")}
              as="select"
              failure={failure}
              defaultValue={p?.agencyOrganisationId ?? ""}
              options={[{ value: "", label: "—" }, ...data.agencies.map((a) => ({ value: a.id, label: a.name }))]}
            />
          </div>
          <Control
            id="b-fields"
            name="fields"
            label={t("broker.fields")}
            hint={t("offerForm.fieldTagsHint")}
            failure={failure}
            defaultValue={p?.fields ?? ""}
          />
          <Control
            id="b-bio"
            name="bio"
            label={t("broker.bio")}
            as="textarea"
            failure={failure}
            defaultValue={p?.bio ?? ""}
          />
          <div className="actions">
            <button type="submit" className="button">
              {t("broker.saveProfile")}
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}
