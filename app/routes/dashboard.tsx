import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { DashboardKind } from "#domain/access/dashboards.ts";
import { can } from "#domain/access/permissions.ts";
import {
  challengeCountsByOrganisation,
  getDashboardKind,
  pendingIntroductionsFor,
  walletBalancesByOrg,
} from "../domain.server.ts";
import { Money } from "../components/money.tsx";
import { requireUser } from "../utils/auth.server.ts";
import { useLocale, useT } from "../utils/i18n.tsx";

// Any signed-in user has a dashboard; what it shows follows their memberships and roles.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await requireUser(request, context);
  const db = context.services.database.prisma;
  // Balances come from the ledger, for each organisation whose wallet this user may see.
  const wallets = await Promise.all(
    current.memberships
      .filter(
        (m) =>
          m.organisation.type === "enterprise" &&
          can(current.actor, "read:wallet:own", { organisationId: m.organisation.id }),
      )
      .map(async (m) => {
        const balance = await walletBalancesByOrg({ db, orgId: m.organisation.id });
        return {
          organisationId: m.organisation.id,
          name: m.organisation.name,
          available: balance.available.toString(),
        };
      }),
  );
  const enterpriseIds = current.memberships
    .filter((m) => m.organisation.type === "enterprise")
    .map((m) => m.organisation.id);
  const counts = await challengeCountsByOrganisation({ db, organisationIds: enterpriseIds });
  const challenges = Object.values(counts).reduce(
    (sum, c) => ({ total: sum.total + c.total, open: sum.open + c.open }),
    { total: 0, open: 0 },
  );
  const introductions = await pendingIntroductionsFor({ db, actor: current.actor });
  return {
    challenges,
    wallets,
    pendingIntroductions: introductions.length,
    confirmsIdentities: can(current.actor, "confirm:identity:zone"),
    name: current.user.name,
    roles: current.roles,
    memberships: current.memberships.map((m) => ({
      organisationId: m.organisation.id,
      name: m.organisation.name,
      orgType: m.organisation.type,
      role: m.role,
      confirmation: m.organisation.confirmation,
      zoneNameZh: m.organisation.zone.nameZh,
      zoneNameEn: m.organisation.zone.nameEn,
    })),
    kinds: getDashboardKind(current.actor),
  };
}

const LINKS: Partial<Record<DashboardKind, { to: string; key: string }[]>> = {
  zone_officer: [
    { to: "/audit", key: "dashboard.zone_officer.auditLink" },
    { to: "/zone/deals", key: "dashboard.transfer.zoneDeals" },
  ],
  enterprise: [
    { to: "/offers", key: "dashboard.transfer.browseOffers" },
    { to: "/deals", key: "dashboard.transfer.myDeals" },
  ],
  university: [
    { to: "/offers/new", key: "dashboard.transfer.listOffer" },
    { to: "/offers/mine", key: "dashboard.transfer.myOffers" },
    { to: "/deals", key: "dashboard.transfer.myDeals" },
  ],
  broker: [
    { to: "/broker", key: "dashboard.transfer.brokerDashboard" },
    { to: "/broker/profile", key: "dashboard.transfer.brokerProfile" },
    { to: "/deals", key: "dashboard.transfer.myDeals" },
  ],
  platform_admin: [
    { to: "/admin/zones", key: "dashboard.platform_admin.zonesLink" },
    { to: "/admin/organisations", key: "dashboard.platform_admin.orgsLink" },
    { to: "/admin/jobs", key: "dashboard.platform_admin.jobsLink" },
    { to: "/audit", key: "nav.audit" },
  ],
};

export default function Dashboard() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("dashboard.welcome", { name: data.name })}</h1>
      {data.pendingIntroductions > 0 ? (
        <div className="alert" role="status">
          {t("introductions.waiting", { count: data.pendingIntroductions })}{" "}
          <Link to="/introductions">{t("introductions.title")}</Link>
        </div>
      ) : null}
      {data.confirmsIdentities ? (
        <p>
          <Link to="/zone/verifications">{t("verifications.title")}</Link>
        </p>
      ) : null}
      <div className="grid">
        <section className="card" aria-labelledby="orgs-heading">
          <h2 id="orgs-heading">{t("dashboard.yourOrgs")}</h2>
          {data.memberships.length === 0 ? (
            <p className="muted">{t("dashboard.none")}</p>
          ) : (
            <ul>
              {data.memberships.map((m) => (
                <li key={m.organisationId}>
                  <strong>{m.name}</strong> <span className="badge">{t(`orgType.${m.orgType}`)}</span>{" "}
                  <span className="badge">{t(`membershipRole.${m.role}`)}</span>
                  {m.confirmation !== "confirmed" ? (
                    <span className="badge warning">{t(`confirmation.org.${m.confirmation}`)}</span>
                  ) : null}
                  <div className="muted small">{locale === "en" ? m.zoneNameEn : m.zoneNameZh}</div>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card" aria-labelledby="roles-heading">
          <h2 id="roles-heading">{t("dashboard.yourRoles")}</h2>
          {data.roles.length === 0 ? (
            <p className="muted">{t("dashboard.none")}</p>
          ) : (
            <p>
              {data.roles.map((role) => (
                <span className="badge" key={role}>
                  {t(`personalRole.${role}`)}
                </span>
              ))}
            </p>
          )}
        </section>
      </div>
      {data.kinds.length === 0 ? <div className="empty">{t("dashboard.noRole")}</div> : null}
      {data.kinds.map((kind) => (
        <section className="panel" key={kind} data-dashboard={kind} aria-labelledby={`dash-${kind}`}>
          <h2 id={`dash-${kind}`}>{t(`dashboard.${kind}.title`)}</h2>
          {kind === "enterprise" && data.challenges.total > 0 ? (
            <p>
              {t("dashboard.enterprise.summary", data.challenges)}{" "}
              <Link to="/challenges/mine">{t("dashboard.enterprise.manageLink")}</Link> ·{" "}
              <Link to="/challenges/new">{t("dashboard.enterprise.postChallenge")}</Link>
            </p>
          ) : null}
          <div className="empty" hidden={kind === "enterprise" && data.challenges.total > 0}>
            <strong>{t("dashboard.next")}：</strong>
            {t(`dashboard.${kind}.empty`)}
            {kind === "enterprise" ? (
              <>
                {" "}
                <Link to="/challenges/new">{t("dashboard.enterprise.postChallenge")}</Link>
              </>
            ) : kind === "researcher" || kind === "university" ? (
              <>
                {" "}
                <Link to="/challenges?status=published">{t("dashboard.browseChallenges")}</Link>
              </>
            ) : null}
          </div>
          {kind === "enterprise"
            ? data.wallets.map((wallet) => (
                <div key={wallet.organisationId}>
                  <h3>
                    {t("dashboard.enterprise.wallet")} · {wallet.name}
                  </h3>
                  <p>
                    {t("dashboard.enterprise.available")} <Money value={wallet.available} />{" "}
                    <Link to={`/wallet?org=${wallet.organisationId}`}>{t("dashboard.enterprise.walletLink")}</Link>
                  </p>
                  {wallet.available === "0" ? <p className="muted">{t("dashboard.enterprise.walletEmpty")}</p> : null}
                </div>
              ))
            : null}
          {LINKS[kind]?.length ? (
            <p>
              {LINKS[kind].map((link) => (
                <Link key={link.to} to={link.to} className="button secondary small">
                  {t(link.key)}
                </Link>
              ))}
            </p>
          ) : null}
        </section>
      ))}
    </>
  );
}
