import { Control, failureOf } from "../challenge.tsx";
import { FormAlert } from "../form.tsx";
import { Money } from "../money.tsx";
import { useT } from "../../utils/i18n.tsx";
import { IntentForm } from "./intent-form.tsx";
import type { SectionProps } from "./types.ts";

// The expert reviewer's part: scores per bid and criterion, or the recusal.
export function Reviewer({ data, failure }: SectionProps) {
  const t = useT();
  const c = data.challenge;
  const criteria = data.ranking?.criteria ?? [];
  return (
    <section className="panel" aria-labelledby="reviewer-heading">
      <h2 id="reviewer-heading">{t("manage.myReview")}</h2>
      {data.myRecusal ? (
        <div className="alert info" role="status" data-testid="recused">
          {t("manage.youAreRecused", { reason: t(`challenge.recusal.${data.myRecusal}`) })}
        </div>
      ) : (
        <>
          {c.status === "under_review" && data.bids ? (
            data.bids.map((b) => {
              const f = failureOf(failure, "score", b.id);
              const mine = (data.scores as Record<string, Record<string, number>>)[b.id] ?? {};
              return (
                <IntentForm
                  intent="score"
                  target={b.id}
                  key={b.id}
                  className="mb card stack"
                  noValidate
                  aria-label={t("manage.scoreFor", { name: b.leadName })}
                >
                  <h3>
                    {b.leadName}
                    {b.organisation ? ` · ${b.organisation.name}` : ""} · <Money value={b.price} />
                  </h3>
                  <p className="pre-wrap">{b.approach}</p>
                  <FormAlert failure={f} />
                  <div className="filter-bar">
                    {criteria.map((cr) => (
                      <Control
                        key={cr.id}
                        id={`score-${b.id}-${cr.id}`}
                        name={`score_${cr.id}`}
                        type="number"
                        label={`${t(`challenge.criterion.${cr.name}`)}（${t("manage.weight")} ${cr.weight}）`}
                        defaultValue={mine[cr.id] !== undefined ? String(mine[cr.id]) : ""}
                        failure={f}
                      />
                    ))}
                  </div>
                  <div>
                    <button type="submit" className="button secondary">
                      {Object.keys(mine).length > 0 ? t("manage.updateScores") : t("manage.saveScores")}
                    </button>
                  </div>
                </IntentForm>
              );
            })
          ) : (
            <p className="muted">{t("manage.reviewNotStarted")}</p>
          )}
          <IntentForm intent="conflict" className="stack sub-panel" noValidate>
            <FormAlert failure={failureOf(failure, "conflict")} />
            <Control
              id="conflict-note"
              name="note"
              as="textarea"
              label={t("manage.conflictNote")}
              hint={t("manage.conflictHint")}
              failure={failureOf(failure, "conflict")}
            />
            <div>
              <button type="submit" className="button secondary">
                {t("manage.declareConflict")}
              </button>
            </div>
          </IntentForm>
        </>
      )}
    </section>
  );
}
