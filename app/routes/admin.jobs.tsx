import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { countJobsByStatus, listFailedJobs, listQueueTrouble, retryJob } from "../domain.server.ts";
import { CsrfInput } from "../components/csrf-input.tsx";
import { DateTime } from "../components/datetime.tsx";
import { FormAlert, type FailureLike } from "../components/form.tsx";
import { requirePermission } from "../utils/auth.server.ts";
import { appErrorResponse, parseForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.tsx";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "read:jobs:any");
  const db = context.services.database.prisma;
  const [failed, counts, trouble] = await Promise.all([
    listFailedJobs({ db, limit: 100 }),
    countJobsByStatus({ db }),
    listQueueTrouble({ db, limit: 50 }),
  ]);
  return {
    counts,
    trouble: {
      totals: trouble.totals,
      jobs: trouble.jobs.map((job) => ({
        id: String(job.id),
        name: job.name,
        status: job.status,
        stalls: job.stalls,
        lostInQueue: job.lostInQueue,
        lastError: job.lastError,
        updatedAt: job.updatedAt.toISOString(),
      })),
    },
    failed: failed.map((job) => ({
      id: String(job.id),
      name: job.name,
      attempts: job.attempts,
      lastError: job.lastError,
      updatedAt: job.updatedAt.toISOString(),
    })),
  };
}

// A BIGINT id: at most 18 digits (a longer one overflows the column and was a 500).
const schema = z.object({ id: z.string().regex(/^\d{1,18}$/, "errors.notFound") });

export async function action({ request, context }: ActionFunctionArgs) {
  await requirePermission(request, context, "read:jobs:any");
  const parsed = await parseForm(request, context, schema);
  if ("failure" in parsed) return parsed.failure;
  try {
    await retryJob({ db: context.services.database.prisma, id: BigInt(parsed.value.id) });
    return { ok: true as const };
  } catch (error) {
    return appErrorResponse(error, parsed.values);
  }
}

export default function AdminJobs() {
  const { failed, counts, trouble } = useLoaderData<typeof loader>();
  const result = useActionData<FailureLike | { ok: true }>();
  const t = useT();
  return (
    <>
      <h1>{t("jobs.title")}</h1>
      <p className="muted">{t("jobs.lead")}</p>
      <p>
        {(Object.entries(counts) as [string, number][]).map(([status, count]) => (
          <span key={status} className="badge">
            {status}: {count}
          </span>
        ))}
      </p>
      {result && "ok" in result ? (
        <div className="alert success">{t("jobs.retried")}</div>
      ) : (
        <FormAlert failure={result} />
      )}
      {failed.length === 0 ? (
        <div className="empty">{t("jobs.empty")}</div>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">{t("jobs.name")}</th>
                <th scope="col">{t("jobs.attempts")}</th>
                <th scope="col">{t("jobs.error")}</th>
                <th scope="col">{t("jobs.updated")}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {failed.map((job) => (
                <tr key={job.id}>
                  <td>
                    <code>{job.name}</code> #{job.id}
                  </td>
                  <td>{job.attempts}</td>
                  <td className="small">{job.lastError}</td>
                  <td>
                    <DateTime value={job.updatedAt} />
                  </td>
                  <td>
                    <Form method="post">
                      <CsrfInput />
                      <input type="hidden" name="id" value={job.id} />
                      <button type="submit" className="button secondary small">
                        {t("jobs.retry")}
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>{t("jobs.trouble.title")}</h2>
      <p className="muted">{t("jobs.trouble.lead")}</p>
      <p>
        <span className="badge" data-testid="jobs-lost">
          {t("jobs.trouble.lost", { count: String(trouble.totals.lostInQueue) })}
        </span>
        <span className="badge" data-testid="jobs-stalls">
          {t("jobs.trouble.stalls", { count: String(trouble.totals.stalls) })}
        </span>
      </p>
      {trouble.jobs.length === 0 ? (
        <div className="empty">{t("jobs.trouble.empty")}</div>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">{t("jobs.name")}</th>
                <th scope="col">{t("jobs.trouble.status")}</th>
                <th scope="col">{t("jobs.trouble.lostCount")}</th>
                <th scope="col">{t("jobs.trouble.stallCount")}</th>
                <th scope="col">{t("jobs.error")}</th>
                <th scope="col">{t("jobs.updated")}</th>
              </tr>
            </thead>
            <tbody>
              {trouble.jobs.map((job) => (
                <tr key={job.id}>
                  <td>
                    <code>{job.name}</code> #{job.id}
                  </td>
                  <td>{job.status}</td>
                  <td>{job.lostInQueue}</td>
                  <td>{job.stalls}</td>
                  <td className="small">{job.lastError}</td>
                  <td>
                    <DateTime value={job.updatedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
