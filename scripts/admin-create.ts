import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { openDatabase } from "#domain/db/client.ts";
import { DataDirLockedError } from "#domain/db/lock.ts";
import { DatabaseNotReadyError, assertDatabaseReady } from "#domain/db/ready.ts";
import { loadEnv } from "#domain/env.ts";
import { AppError } from "#domain/errors.ts";
import { createPlatformAdmin } from "#domain/identity/create-platform-admin.ts";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "#domain/identity/passwords.ts";

/**
 * `npm run admin:create -- --email admin@example.cn [--name 姓名] [--password-file F]`: the first
 * platform admin of an installation, without the demo seed. The password is asked for on the
 * terminal (twice, not echoed) or read from the file's first line; it never goes on the command
 * line, where `ps` and the shell history would keep it. ADR 0025.
 */

const USAGE = "usage: npm run admin:create -- --email EMAIL [--name NAME] [--password-file FILE]";

class CliError extends Error {}

// The command speaks English like the other scripts; these are the domain's errors it can meet.
const MESSAGES: Record<string, string> = {
  "errors.emailInvalid": "--email is not a valid email address",
  "errors.emailTaken": "a user with this email already exists; nothing was changed",
  "errors.passwordTooShort": `the password is too short (at least ${PASSWORD_MIN_LENGTH} characters)`,
  "errors.passwordTooLong": `the password is too long (at most ${PASSWORD_MAX_LENGTH} characters)`,
  "errors.passwordTooSimple": "the password is too simple (use at least 4 different characters)",
  "errors.passwordIsEmail": "the password must not be the email address",
  "errors.textLength": "--name is too long (at most 100 characters)",
};

function readPasswordFile(file: string): string {
  let content: string;
  try {
    content = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(
      `cannot read --password-file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const password = content.split(/\r?\n/)[0] ?? "";
  if (!password) throw new CliError(`--password-file ${file} is empty: the password is its first line`);
  return password;
}

/** Reads one line from the terminal without echoing it. */
function askHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding("utf8");
  return new Promise((resolve) => {
    let value = "";
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n" || char === "\u0004") {
          stdin.off("data", onData);
          stdin.setRawMode(false);
          stdin.pause();
          process.stderr.write("\n");
          resolve(value);
          return;
        }
        if (char === "\u0003") {
          stdin.setRawMode(false);
          process.stderr.write("\n");
          process.exit(130);
        }
        if (char === "\u007f" || char === "\b") value = [...value].slice(0, -1).join("");
        else value += char;
      }
    };
    stdin.on("data", onData);
  });
}

async function askPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new CliError(
      "no terminal to ask for the password: pass --password-file FILE (the password is its first line)",
    );
  }
  const first = await askHidden("Password for the new platform admin: ");
  const second = await askHidden("The same password again: ");
  if (first !== second) throw new CliError("the two passwords differ; nothing was created");
  return first;
}

async function main() {
  let values: { email?: string; name?: string; "password-file"?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        email: { type: "string" },
        name: { type: "string" },
        "password-file": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.email) throw new CliError(`--email is required\n${USAGE}`);
  const env = loadEnv();
  const password = values["password-file"] ? readPasswordFile(values["password-file"]) : await askPassword();
  const database = await openDatabase({ url: env.DATABASE_URL, dataDir: path.resolve(env.PGLITE_DIR), poolSize: 1 });
  try {
    await assertDatabaseReady({ database, url: env.DATABASE_URL });
    const admin = await createPlatformAdmin({
      db: database.prisma,
      email: values.email,
      password,
      ...(values.name !== undefined ? { name: values.name } : {}),
    });
    console.log(
      `Platform admin ${admin.email} created. Log in at ${env.APP_URL}/login, then add zones at ` +
        `/admin/zones and the platform and zone organisations at /admin/organisations.`,
    );
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof AppError) console.error(`admin:create: ${MESSAGES[error.messageKey] ?? error.messageKey}`);
  else if (error instanceof CliError || error instanceof DatabaseNotReadyError || error instanceof DataDirLockedError)
    console.error(`admin:create: ${error.message}`);
  else console.error(error);
  process.exit(1);
});
