import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { closeDueBidding, endDuePublicNotices } from "../domain.server.ts";
import { CsrfInput } from "../components/csrf-input.tsx";
import { clockOffsetMs, now, setClockOffsetMs, testClockEnabled } from "../utils/clock.server.ts";
import { readForm } from "../utils/csrf.server.ts";

/*
 * /__test/clock — TEST ONLY. Exists only when NODE_ENV is "test" (the browser tests start the
 * server so); in every other mode loader and action answer 404 before reading anything.
 * POST advances the clock the routes pass to domain verbs (app/utils/clock.server.ts) by
 * `days` and then runs the timed transitions the scheduled jobs run (closeDueBidding,
 * endDuePublicNotices) at that time, so a browser test can pass a bidding deadline or a 公示.
 * Plain English on purpose: no user ever sees this page.
 */

// @public Test-only clock (404 unless NODE_ENV=test); it changes no data except through the timed transitions.
export async function loader(_args: LoaderFunctionArgs) {
  if (!testClockEnabled()) throw new Response(null, { status: 404 });
  return { now: now().toISOString(), offsetMs: clockOffsetMs() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  if (!testClockEnabled()) throw new Response(null, { status: 404 });
  const form = await readForm(request, context);
  const days = Number(form.get("days") ?? "0");
  if (!Number.isFinite(days) || days < 0 || days > 3650)
    return Response.json({ error: "days must be 0–3650" }, { status: 400 });
  setClockOffsetMs(clockOffsetMs() + Math.round(days * 86_400_000));
  const db = context.services.database.prisma;
  const closed = await closeDueBidding({ db, now: now() });
  const notices = await endDuePublicNotices({ db, now: now() });
  return {
    now: now().toISOString(),
    closed: closed.closed.length,
    failed: closed.failed.length,
    ended: notices.ended.length,
    waiting: notices.waiting.length,
  };
}

export default function TestClock() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>Test clock</h1>
      <p>
        Now: <output data-testid="clock-now">{result && "now" in result ? result.now : data.now}</output>
      </p>
      {result && "closed" in result ? (
        <p data-testid="clock-result">
          closed {result.closed}, failed {result.failed}, notices ended {result.ended}, waiting {result.waiting}
        </p>
      ) : null}
      <Form method="post">
        <CsrfInput />
        <label htmlFor="days">Advance by days</label>{" "}
        <input id="days" name="days" type="number" step="any" defaultValue="1" />{" "}
        <button type="submit">Advance and run timed transitions</button>
      </Form>
    </>
  );
}
