import { useT } from "../../utils/i18n.tsx";
import type { ManageData } from "./types.ts";

type Stats = NonNullable<ManageData["stats"]>;

const W = 480;
const H = 160;
const PAD = { left: 32, right: 8, top: 8, bottom: 24 };

/**
 * Bids per day (bars) and in total (line), drawn on the server as SVG with presentation
 * attributes and classes only (the CSP allows no inline style); the table beside it carries the
 * same numbers for screen readers and for copying.
 */
function BidsChart({ points, label }: { points: Stats["bidsOverTime"]; label: string }) {
  const max = Math.max(1, ...points.map((p) => p.cumulative));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const step = plotW / Math.max(1, points.length);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const line = points.map((p, i) => `${PAD.left + step * (i + 0.5)},${y(p.cumulative)}`).join(" ");
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
      <line className="chart-axis" x1={PAD.left} y1={PAD.top + plotH} x2={W - PAD.right} y2={PAD.top + plotH} />
      <text className="chart-tick" x={PAD.left - 4} y={PAD.top + 8} textAnchor="end">
        {max}
      </text>
      <text className="chart-tick" x={PAD.left - 4} y={PAD.top + plotH} textAnchor="end">
        0
      </text>
      {points.map((p, i) => (
        <g key={p.date}>
          <rect
            className="chart-bar"
            x={PAD.left + step * i + step * 0.2}
            y={y(p.count)}
            width={step * 0.6}
            height={PAD.top + plotH - y(p.count)}
          />
          {points.length <= 14 || i % Math.ceil(points.length / 7) === 0 ? (
            <text className="chart-tick" x={PAD.left + step * (i + 0.5)} y={H - 6} textAnchor="middle">
              {p.date.slice(5)}
            </text>
          ) : null}
        </g>
      ))}
      <polyline className="chart-line" points={line} fill="none" />
      {points.map((p, i) => (
        <circle key={p.date} className="chart-dot" cx={PAD.left + step * (i + 0.5)} cy={y(p.cumulative)} r={3} />
      ))}
    </svg>
  );
}

/** Horizontal bars for a breakdown (organisation types, countries), labelled with their counts. */
function BarList({ rows, label }: { rows: { label: string; count: number }[]; label: string }) {
  const max = Math.max(1, ...rows.map((r) => r.count));
  const rowH = 22;
  const labelW = 150;
  const height = rows.length * rowH + 4;
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${height}`} role="img" aria-label={label}>
      {rows.map((r, i) => {
        const width = ((W - labelW - 40) * r.count) / max;
        return (
          <g key={r.label}>
            <text className="chart-label" x={labelW - 6} y={i * rowH + 15} textAnchor="end">
              {r.label}
            </text>
            <rect className="chart-bar" x={labelW} y={i * rowH + 4} width={width} height={rowH - 8} />
            <text className="chart-label" x={labelW + width + 4} y={i * rowH + 15}>
              {r.count}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function BreakdownTable({ rows, caption }: { rows: { label: string; count: number }[]; caption: string }) {
  const t = useT();
  return (
    <details className="small">
      <summary>{t("stats.tableSummary")}</summary>
      <table className="data">
        <caption className="caption small muted">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("stats.category")}</th>
            <th scope="col">{t("stats.count")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.label}>
              <td>{r.label}</td>
              <td>{r.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

// Statistics for the enterprise and the zone: views, registered bidders, bids over time and the
// bidders' organisation types and countries, each chart with its numbers in a table. Before the
// bids are open only the views are shown (sealed bids, ADR 0024).
export function Statistics({ data }: { data: ManageData }) {
  const t = useT();
  const s = data.stats!;
  const orgTypes = s.orgTypes.map((o) => ({
    label: o.key === "individual" ? t("manage.individual") : t(`orgType.${o.key}`),
    count: o.count,
  }));
  const countries = s.countries.map((o) => ({ label: o.key, count: o.count }));
  const summary = s.bidsOverTime.map((d) => `${d.date} ${d.count} / ${d.cumulative}`).join(", ");
  return (
    <section className="panel" aria-labelledby="stats-heading">
      <h2 id="stats-heading">{t("manage.statistics")}</h2>
      <dl className="facts" data-testid="statistics">
        <dt>{t("manage.views")}</dt>
        <dd>{s.views}</dd>
        {s.sealed ? null : (
          <>
            <dt>{t("manage.registeredBidders")}</dt>
            <dd>{s.registeredBidders}</dd>
            <dt>{t("manage.activeBids")}</dt>
            <dd>{s.activeBids}</dd>
          </>
        )}
      </dl>
      {s.sealed ? (
        <p className="muted">{t("stats.sealed")}</p>
      ) : s.bidsOverTime.length === 0 ? (
        <p className="muted">{t("stats.noData")}</p>
      ) : (
        <div className="charts">
          <figure className="chart-figure">
            <figcaption>{t("stats.bidsChart")}</figcaption>
            <BidsChart points={s.bidsOverTime} label={t("stats.bidsChartLabel", { summary })} />
            <details className="small">
              <summary>{t("stats.tableSummary")}</summary>
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">{t("stats.date")}</th>
                    <th scope="col">{t("stats.daily")}</th>
                    <th scope="col">{t("stats.cumulative")}</th>
                  </tr>
                </thead>
                <tbody>
                  {s.bidsOverTime.map((d) => (
                    <tr key={d.date}>
                      <td>{d.date}</td>
                      <td>{d.count}</td>
                      <td>{d.cumulative}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          </figure>
          <figure className="chart-figure">
            <figcaption>{t("stats.orgTypesChart")}</figcaption>
            <BarList
              rows={orgTypes}
              label={orgTypes.map((r) => t("stats.barLabel", { label: r.label, count: r.count })).join("; ")}
            />
            <BreakdownTable rows={orgTypes} caption={t("stats.orgTypesChart")} />
          </figure>
          <figure className="chart-figure">
            <figcaption>{t("stats.countriesChart")}</figcaption>
            <BarList
              rows={countries}
              label={countries.map((r) => t("stats.barLabel", { label: r.label, count: r.count })).join("; ")}
            />
            <BreakdownTable rows={countries} caption={t("stats.countriesChart")} />
          </figure>
        </div>
      )}
    </section>
  );
}
