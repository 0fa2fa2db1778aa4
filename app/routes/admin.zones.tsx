import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { createZone, listZones } from "../domain.server.ts";
import { CsrfInput } from "../components/csrf-input.tsx";
import { Field, FormAlert, type FailureLike } from "../components/form.tsx";
import { clientIp, requirePermission } from "../utils/auth.server.ts";
import { appErrorResponse, parseForm } from "../utils/forms.server.ts";
import { useLocale, useT } from "../utils/i18n.tsx";

/** Platform admins add high-tech zones (高新区); each zone's 管委会 is added on /admin/organisations. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "manage:zone:any");
  return { zones: await listZones({ db: context.services.database.prisma }) };
}

const required = { error: "form.required" };
const schema = z.object({
  code: z.string(required).trim().min(1, "form.required"),
  nameZh: z.string(required).trim().min(1, "form.required"),
  nameEn: z.string(required).trim().min(1, "form.required"),
  province: z.string(required).trim().min(1, "form.required"),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const current = await requirePermission(request, context, "manage:zone:any");
  const parsed = await parseForm(request, context, schema);
  if ("failure" in parsed) return parsed.failure;
  try {
    const zone = await createZone({
      db: context.services.database.prisma,
      actor: current.actor,
      ...parsed.value,
      ip: clientIp(request, context),
    });
    return { ok: true as const, code: zone.code };
  } catch (error) {
    return appErrorResponse(error, parsed.values);
  }
}

export default function AdminZones() {
  const { zones } = useLoaderData<typeof loader>();
  const result = useActionData<FailureLike | { ok: true; code: string }>();
  const failure = result && "ok" in result ? undefined : result;
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("platformSetup.zones.title")}</h1>
      <p className="muted">{t("platformSetup.zones.lead")}</p>
      {result && "ok" in result ? (
        <div className="alert success" role="status">
          {t("platformSetup.zones.created", { code: result.code })}{" "}
          <Link to="/admin/organisations">{t("platformSetup.zones.nextStep")}</Link>
        </div>
      ) : null}
      {zones.length === 0 ? (
        <div className="empty">{t("platformSetup.zones.empty")}</div>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">{t("platformSetup.zones.code")}</th>
                <th scope="col">{t("platformSetup.zones.name")}</th>
                <th scope="col">{t("platformSetup.zones.province")}</th>
              </tr>
            </thead>
            <tbody>
              {zones.map((zone) => (
                <tr key={zone.id}>
                  <td>
                    <code>{zone.code}</code>
                  </td>
                  <td>{locale === "en" ? zone.nameEn : zone.nameZh}</td>
                  <td>{zone.province}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section className="panel" aria-labelledby="new-zone">
        <h2 id="new-zone">{t("platformSetup.zones.new")}</h2>
        <FormAlert failure={failure} />
        <Form method="post" className="stack" noValidate>
          <CsrfInput />
          <Field
            name="code"
            label={t("platformSetup.zones.code")}
            hint={t("platformSetup.zones.codeHint")}
            failure={failure}
            required
          />
          <Field name="nameZh" label={t("platformSetup.zones.nameZh")} failure={failure} required />
          <Field name="nameEn" label={t("platformSetup.zones.nameEn")} failure={failure} required />
          <Field name="province" label={t("platformSetup.zones.province")} failure={failure} required />
          <button type="submit" className="button">
            {t("platformSetup.zones.submit")}
          </button>
        </Form>
      </section>
    </>
  );
}
