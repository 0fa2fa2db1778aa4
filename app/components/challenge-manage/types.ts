import type { useLoaderData } from "@remix-run/react";
import type { FailureLike } from "../form.tsx";
import type { loader } from "../../routes/challenges.$id.manage.tsx";

/** What the manage page's loader returns, as its components receive it. */
export type ManageData = ReturnType<typeof useLoaderData<typeof loader>>;

/** What a successful action of the manage page returns. */
export type ManageDone = { ok: true; intent: string; target?: string; paid?: string; fee?: string };

export type SectionProps = { data: ManageData; failure: FailureLike | undefined };
