import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { officerZoneIds } from "#domain/access/permissions.ts";
import { setPublicNoticeDays, zoneNoticeSettings } from "../domain.server.ts";
import { Control, failureOf } from "../components/challenge.tsx";
import { IntentForm } from "../components/challenge-manage/intent-form.tsx";
import { DateTime } from "../components/datetime.tsx";
import { FormAlert, type FailureLike } from "../components/form.tsx";
import styles from "../styles/challenges.css";
import { requirePermission, requireUser } from "../utils/auth.server.ts";
import { db, plain } from "../utils/challenges.server.ts";
import { wholeDays } from "../utils/form-types.ts";
import { appErrorResponse, parseForm } from "../utils/forms.server.ts";
import { useLocale, useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

/** The 公示 length of each zone the officer serves (ADR 0017: 1–30 working days, default 5). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await requireUser(request, context);
  const zones = officerZoneIds(current.actor);
  await requirePermission(request, context, "approve:challenge:zone", { zoneId: zones[0] ?? "none" });
  return { zones: plain(await zoneNoticeSettings({ db: db(context), zoneIds: zones })) };
}

const schema = z.object({
  intent: z.literal("noticeDays"),
  target: z.string().min(1),
  // The range (1–30) is the domain's rule; here only "digits, nothing else" ("0x10" is not 16).
  days: wholeDays({ min: 0, max: 1000, key: "errors.challenge.field.publicNoticeDays" }),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const current = await requireUser(request, context);
  const parsed = await parseForm(request, context, schema);
  if ("failure" in parsed) return parsed.failure;
  try {
    await setPublicNoticeDays({
      db: db(context),
      actor: current.actor,
      zoneId: parsed.value.target,
      days: parsed.value.days,
    });
  } catch (error) {
    return appErrorResponse(error, parsed.values);
  }
  return { ok: true as const, zoneId: parsed.value.target, days: parsed.value.days };
}

export default function ZoneSettings() {
  const { zones } = useLoaderData<typeof loader>();
  const result = useActionData<FailureLike | { ok: true; zoneId: string; days: number }>();
  const done = result && "ok" in result && result.ok === true ? result : undefined;
  const failure = done ? undefined : (result as FailureLike | undefined);
  const t = useT();
  const locale = useLocale();
  const name = (z: { nameZh: string; nameEn: string }) => (locale === "en" ? z.nameEn : z.nameZh);
  return (
    <>
      <p className="small">
        <Link to="/zone">← {t("zone.title")}</Link>
      </p>
      <h1>{t("zoneSettings.title")}</h1>
      <p className="muted">{t("zoneSettings.lead")}</p>
      {zones.map((z) => {
        const f = failureOf(failure, "noticeDays", z.zoneId);
        return (
          <section key={z.zoneId} className="panel" aria-labelledby={`zone-${z.zoneId}`}>
            <h2 id={`zone-${z.zoneId}`}>{name(z)}</h2>
            {done?.zoneId === z.zoneId ? (
              <div className="alert success" role="status">
                {t("zoneSettings.saved", { zone: name(z), days: done.days })}
              </div>
            ) : null}
            <p className="small muted">
              {t("zoneSettings.current", { days: z.days })} · {t("zoneSettings.updatedAt")}:{" "}
              {z.updatedAt ? <DateTime value={z.updatedAt} /> : t("zoneSettings.never")}
            </p>
            <IntentForm intent="noticeDays" target={z.zoneId} className="stack" noValidate>
              <FormAlert failure={f} />
              <Control
                id={`days-${z.zoneId}`}
                name="days"
                type="number"
                label={t("zoneSettings.days")}
                hint={t("zoneSettings.daysHint")}
                defaultValue={String(z.days)}
                failure={f}
              />
              <div>
                <button type="submit" className="button">
                  {t("zoneSettings.save")}
                </button>
              </div>
            </IntentForm>
          </section>
        );
      })}
    </>
  );
}
