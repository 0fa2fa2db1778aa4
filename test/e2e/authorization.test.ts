import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasPostgres } from "#tests/support/db.ts";
import { startApp, type RunningApp } from "./support/app.ts";
import {
  DEMO_PASSWORD,
  LOGINS,
  ROLES,
  ROUTE_TABLE,
  type Expect,
  type Role,
  type SeedIds,
} from "./support/authorization-table.ts";

/**
 * Every route × every role × own/other organisation and zone, over plain HTTP against the real
 * server and the seeded demo data (ADR 0024): cookies kept per role, the CSRF token read from a
 * page, redirects not followed. The expected statuses are in support/authorization-table.ts.
 */

class Client {
  private cookies = new Map<string, string>();
  csrf = "";
  constructor(private baseUrl: string) {}

  async request(path: string, init: { method?: string; form?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { "Accept-Language": "zh-CN" };
    if (this.cookies.size) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    let body: string | undefined;
    if (init.form) {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      headers.Origin = this.baseUrl;
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: init.method ?? (init.form ? "POST" : "GET"),
      headers,
      body,
      redirect: "manual",
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** Reads the CSRF token that every form of a page carries. */
  async refreshCsrf(path = "/") {
    const html = await (await this.request(path)).text();
    const match = /name="csrf" value="([^"]+)"/.exec(html);
    if (!match) throw new Error(`no CSRF token on ${path}`);
    this.csrf = match[1]!;
  }

  async login(email: string) {
    await this.refreshCsrf("/login");
    const response = await this.request("/login", {
      form: { csrf: this.csrf, email, password: DEMO_PASSWORD, next: "/dashboard" },
    });
    if (response.status !== 302) throw new Error(`login ${email}: ${response.status} ${await response.text()}`);
    // The token may be rotated at login: read it again as the signed-in user.
    await this.refreshCsrf("/");
  }
}

function decode(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? decode(m[1]!) : null;
};

/** The fields of the page's own first POST form (not the header's), as a browser sends them (no files). */
function firstPostForm(html: string, path: string): Record<string, string> {
  const form = [...html.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/gi)].find(([, open]) => {
    const action = attr(open!, "action");
    return /method="post"/i.test(open!) && (action === null || action === path);
  });
  if (!form) throw new Error(`no POST form of its own on ${path}`);
  const body = form[2]!;
  const fields: Record<string, string> = {};
  for (const [tag] of body.matchAll(/<input\b[^>]*>/gi)) {
    const name = attr(tag, "name");
    const type = (attr(tag, "type") ?? "text").toLowerCase();
    if (!name || type === "file" || type === "submit") continue;
    if ((type === "checkbox" || type === "radio") && !/\schecked(=|\s|>|\/)/.test(tag)) continue;
    fields[name] = attr(tag, "value") ?? (type === "checkbox" ? "on" : "");
  }
  for (const [, open, text] of body.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/gi)) {
    const name = attr(open!, "name");
    if (name) fields[name] = decode(text!);
  }
  for (const [, open, options] of body.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/gi)) {
    const name = attr(open!, "name");
    const selected = /<option\b[^>]*\sselected[^>]*>/i.exec(options!) ?? /<option\b[^>]*>/i.exec(options!);
    if (name && selected) fields[name] = attr(selected[0], "value") ?? "";
  }
  return fields;
}

async function seedIds(url: string): Promise<SeedIds> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const one = async (sql: string, ...params: unknown[]) => {
      const { rows } = await db.query<{ id: string }>(sql, params);
      if (!rows[0]) throw new Error(`seed lookup found nothing: ${sql} ${params.join(", ")}`);
      return String(rows[0].id);
    };
    const org = (name: string) => one(`SELECT "id" FROM "Organisation" WHERE "name" = $1`, name);
    const agritech = await org("昆明春城数字农业科技有限公司");
    const equipment = await org("昆明云岭智能装备有限公司");
    const kust = await org("昆明理工大学");
    const challenge = (status: string) =>
      one(
        `SELECT "id" FROM "Challenge" WHERE "organisationId" = $1 AND "status"::text = $2 ORDER BY "createdAt" LIMIT 1`,
        agritech,
        status,
      );
    const offer = (where: string) =>
      one(`SELECT "id" FROM "TransferOffer" WHERE "ownerOrganisationId" = $1 AND ${where} LIMIT 1`, kust);
    // The other zone's officer gets a login (the seed gives her none): same password as the demo.
    await db.query(
      `UPDATE "User" SET "email" = $1, "passwordHash" = (SELECT "passwordHash" FROM "User" WHERE "email" = $2)
       WHERE "id" = (SELECT m."userId" FROM "Membership" m JOIN "Organisation" o ON o."id" = m."organisationId"
                     JOIN "Zone" z ON z."id" = o."zoneId"
                     WHERE o."type"::text = 'zone_administration' AND z."code" = 'yuxi' LIMIT 1)`,
      [LOGINS.otherOfficer, LOGINS.officer],
    );
    const attachment = await db.query<{ id: string }>(
      `SELECT a."id" FROM "Attachment" a JOIN "Challenge" c ON c."id" = a."ownerId"
       WHERE a."ownerType" = 'challenge' AND c."status"::text = 'published' AND c."visibility"::text = 'public' LIMIT 1`,
    );
    return {
      challenge: {
        published: await challenge("published"),
        draft: await challenge("draft"),
        underReview: await challenge("under_review"),
        closed: await challenge("closed"),
      },
      deal: {
        negotiating: await one(
          `SELECT "id" FROM "TransferDeal" WHERE "buyerOrganisationId" = $1 AND "status"::text = 'negotiating' LIMIT 1`,
          equipment,
        ),
        related: await one(`SELECT "id" FROM "TransferDeal" WHERE "buyerOrganisationId" = $1 LIMIT 1`, agritech),
      },
      offer: {
        published: await offer(`"status"::text = 'published' AND "pricing"::text <> 'auction'`),
        draft: await offer(`"status"::text = 'draft'`),
      },
      attachment: { publicChallenge: attachment.rows[0]?.id ?? null },
      ledger: {
        sellerWallet: `org:${kust}:wallet`,
        buyerWallet: `org:${equipment}:wallet`,
        transaction: await one(`SELECT "id"::text AS "id" FROM "LedgerTransaction" ORDER BY "id" LIMIT 1`),
      },
      org: {
        lithium: await org("云南滇中锂电新材料科技有限公司"),
        agritech,
        equipment,
        kust,
      },
      zone: {
        kunming: await one(`SELECT "id" FROM "Zone" WHERE "code" = 'kunming'`),
        yuxi: await one(`SELECT "id" FROM "Zone" WHERE "code" = 'yuxi'`),
      },
    };
  } finally {
    await db.end();
  }
}

const expected = (e: Expect, role: Role) => e[role] ?? e.other;

// The seed ids are read from the server's database, which only PostgreSQL lets a second process open.
if (!hasPostgres())
  console.info(
    "[authorization] not run: needs PostgreSQL (DATABASE_URL or TEST_DATABASE_URL); PGlite serves one process",
  );

describe.skipIf(!hasPostgres())("authorization: every route × every role", () => {
  let app: RunningApp;
  let ids: SeedIds;
  const clients = new Map<Role, Client>();
  beforeAll(async () => {
    app = await startApp();
    ids = await seedIds(app.databaseUrl!);
    for (const role of ROLES) {
      const client = new Client(app.baseUrl);
      if (role === "anonymous") await client.refreshCsrf("/login");
      else await client.login(LOGINS[role]);
      clients.set(role, client);
    }
  }, 180_000);
  afterAll(async () => {
    await app?.stop();
  });

  const cases = Object.entries(ROUTE_TABLE).flatMap(([file, probes]) =>
    probes.map((probe) => [`${file}: ${probe.name}`, probe] as const),
  );

  it.each(cases)("%s", async (_name, probe) => {
    const seen: string[] = [];
    const wanted: string[] = [];
    const errors: string[] = [];
    for (const role of ROLES) {
      const client = clients.get(role)!;
      const path = probe.path(ids);
      if (probe.loader) {
        const r = await client.request(path);
        const body = await r.text();
        if (r.status >= 500) errors.push(`GET ${path} as ${role}: ${r.status} ${body.slice(0, 300)}`);
        seen.push(`GET ${role} ${r.status}`);
        wanted.push(`GET ${role} ${expected(probe.loader, role)}`);
      }
      if (probe.action) {
        const form = probe.action.form ? { csrf: client.csrf, ...probe.action.form(ids) } : {};
        const r = await client.request(path, { form });
        const body = await r.text();
        if (r.status >= 500) errors.push(`POST ${path} as ${role}: ${r.status} ${body.slice(0, 300)}`);
        seen.push(`POST ${role} ${r.status}`);
        wanted.push(`POST ${role} ${expected(probe.action.expect, role)}`);
      }
    }
    if (probe.replay) {
      const path = probe.path(ids);
      const page = await clients.get(probe.replay.from)!.request(path);
      const fields = firstPostForm(await page.text(), path);
      for (const role of ROLES) {
        const client = clients.get(role)!;
        const r = await client.request(path, { form: { ...fields, csrf: client.csrf } });
        const body = await r.text();
        if (r.status >= 500) errors.push(`POST (replayed form) ${path} as ${role}: ${r.status} ${body.slice(0, 300)}`);
        seen.push(`REPLAY ${role} ${r.status}`);
        wanted.push(`REPLAY ${role} ${expected(probe.replay.expect, role)}`);
      }
    }
    expect(errors, "no 5xx for anyone").toEqual([]);
    const wrong = seen.filter((s, i) => s !== wanted[i]).map((s) => `${s} (table: ${wanted[seen.indexOf(s)]})`);
    expect(wrong, `${probe.path(ids)}: statuses that differ from the table`).toEqual([]);
  });
});
