import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getPlatformCounts } from "../domain.server.ts";
import { getOptionalUser } from "../utils/auth.server.ts";
import { useT } from "../utils/i18n.tsx";

// @public Anyone may read the home page; who is asking only changes the call to action.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const [current, counts] = await Promise.all([
    getOptionalUser(request, context),
    getPlatformCounts({ db: context.services.database.prisma }),
  ]);
  return { signedIn: Boolean(current), counts };
}

const ROLES = ["enterprise", "university", "broker", "provider", "zone", "expert"] as const;
const STEPS = ["step1", "step2", "step3", "step4", "step5", "step6"] as const;

export default function Home() {
  const { signedIn, counts } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <section className="hero">
        <p className="muted">{t("app.tagline")}</p>
        <h1>{t("home.title")}</h1>
        <p>{t("home.lead")}</p>
        <div className="actions">
          {signedIn ? (
            <Link className="button" to="/dashboard">
              {t("home.ctaDashboard")}
            </Link>
          ) : (
            <>
              <Link className="button" to="/signup">
                {t("home.ctaSignup")}
              </Link>
              <Link className="button secondary" to="/login">
                {t("home.ctaLogin")}
              </Link>
            </>
          )}
        </div>
        <div className="stats">
          <div className="stat">
            <strong>{counts.zones}</strong>
            {t("home.stats.zones")}
          </div>
          <div className="stat">
            <strong>{counts.organisations}</strong>
            {t("home.stats.organisations")}
          </div>
          <div className="stat">
            <strong>{counts.users}</strong>
            {t("home.stats.users")}
          </div>
        </div>
      </section>
      <h2>{t("home.forWhom")}</h2>
      <div className="grid">
        {ROLES.map((role) => (
          <article className="card" key={role}>
            <h3>{t(`home.role.${role}.title`)}</h3>
            <p>{t(`home.role.${role}.body`)}</p>
          </article>
        ))}
      </div>
      <h2>{t("home.how.title")}</h2>
      <ol className="steps">
        {STEPS.map((step) => (
          <li key={step}>{t(`home.how.${step}`)}</li>
        ))}
      </ol>
    </>
  );
}
