import { useT } from "../../utils/i18n.tsx";
import type { ManageData } from "./types.ts";

export function Statistics({ data }: { data: ManageData }) {
  const t = useT();
  const s = data.stats!;
  return (
    <section className="panel" aria-labelledby="stats-heading">
      <h2 id="stats-heading">{t("manage.statistics")}</h2>
      <dl className="facts" data-testid="statistics">
        <dt>{t("manage.views")}</dt>
        <dd>{s.views}</dd>
        <dt>{t("manage.registeredBidders")}</dt>
        <dd>{s.registeredBidders}</dd>
        <dt>{t("manage.activeBids")}</dt>
        <dd>{s.activeBids}</dd>
        <dt>{t("manage.bidsOverTime")}</dt>
        <dd>
          {s.bidsOverTime.length === 0
            ? "—"
            : s.bidsOverTime
                .map((d) => `${d.date}: ${d.count}（${t("manage.cumulative")} ${d.cumulative}）`)
                .join("；")}
        </dd>
        <dt>{t("manage.orgTypes")}</dt>
        <dd>
          {s.orgTypes.length === 0
            ? "—"
            : s.orgTypes
                .map((o) => `${o.key === "individual" ? t("manage.individual") : t(`orgType.${o.key}`)} ${o.count}`)
                .join("；")}
        </dd>
        <dt>{t("manage.countries")}</dt>
        <dd>{s.countries.length === 0 ? "—" : s.countries.map((o) => `${o.key} ${o.count}`).join("；")}</dd>
      </dl>
    </section>
  );
}
