// `npm run cli -- <command>`: the operator's interface. Every change is audited as the operator.
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { closeDatabase, database } from '@/db';
import { databaseUnreachable } from '@/db/errors';
import { ConfigError } from '@/lib/config';
import { MissingKeyError, prepareSecrets } from '@/lib/secrets';
import { AccountError } from '@/lib/accounts/organizations';
import { BackupRefused } from '@/lib/ops/backup';
import { commands, CliError, type Output } from './commands';
import { passkeyCommands } from './passkey-command';
import { trustCommands } from './trust-command';
import { graceCommands } from './grace-command';

const HELP = `Usage: npm run cli -- <command> [options] [--json]

Commands:
  org:create --slug SLUG --name NAME [--policy off|optional|required]
  org:policy --slug SLUG --policy off|optional|required
  org:passkeys --slug SLUG --on|--off    whether the organization's users may sign in with a passkey
  org:trusted-browsers --slug SLUG --on|--off [--days N]
                                        whether "Trust this browser" is offered at the second step, and for
                                        how many days (1–30; without --days, unchanged); off ends every one
  org:grace --slug SLUG --days DAYS      days (0–30) users may still sign in without 2FA once it is required of them
  user:create --org SLUG --email EMAIL --name NAME (--password PASSWORD | --password-stdin | --sso) [--role member|admin]
                                        --password-stdin reads the password from the first line of standard input
  user:invite --org SLUG --email EMAIL --name NAME [--role member|admin] [--sso]
                                        a password user is mailed a link to choose a password; --sso: signs in through the IdP
  user:require-2fa --email EMAIL [--email EMAIL …] --on|--off
                                        several --email with --on: one transaction for users of one organization
                                        (up to 100); SSO users and those already required are skipped
  user:reset-2fa --email EMAIL
  user:deactivate --email EMAIL         sign the user out everywhere and refuse their sign-ins
  user:reactivate --email EMAIL         let a deactivated user sign in again
  user:sign-out --email EMAIL           end every session of the user, in every browser (they can sign in again)
  user:send-reset --email EMAIL         mail a password reset link to a password user (audited; not counted
                                        against DESKGATE_RESET_MAILS_PER_HOUR: the operator decides)
  user:list --org SLUG [--csv]          --csv: every user as CSV, as the admin's "Download CSV" (by name)
  audit:list --org SLUG [--limit N] [--csv]
                                        --csv: the newest N events as CSV, as the admin's "Download CSV"
  mail:status                           the outbox: mails pending, sent and failed, the oldest pending, the last error
  mail:retry                            send the failed mails again (after the mail server is back)
  mail:test --to ADDRESS                queue a test mail to ADDRESS (the running server sends it)
  demo:bulk --org SLUG --users N        fill an organization with N realistic users (tests, benchmark)
  db:backup FILE                        a consistent copy of the SQLite database, while the server runs
  db:restore FILE [--force]             replace the SQLite database with a backup (stop the server first); the
                                        key files kept with the backup must be in place; --force replaces a
                                        database that has users

Options:
  --json   machine-readable output
  --help   this text`;

const options = {
  slug: { type: 'string' },
  name: { type: 'string' },
  policy: { type: 'string' },
  org: { type: 'string' },
  // Several only for user:require-2fa --on (a batch); every other command takes one.
  email: { type: 'string', multiple: true },
  password: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  sso: { type: 'boolean' },
  role: { type: 'string' },
  on: { type: 'boolean' },
  off: { type: 'boolean' },
  limit: { type: 'string' },
  days: { type: 'string' },
  users: { type: 'string' },
  force: { type: 'boolean' },
  to: { type: 'string' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function print(output: Output, json: boolean) {
  if (output.stream) {
    // Chunk by chunk, waiting whenever stdout's buffer is full (a pipe to a slow reader).
    for await (const chunk of output.stream) if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
    return;
  }
  if (json) console.log(JSON.stringify(output.data, null, 2));
  else console.log(output.text);
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    console.error(`deskgate: ${(error as Error).message.split('\n')[0]} (see --help)`);
    return 2;
  }
  const [name, ...extra] = parsed.positionals;
  if (parsed.values.help || !name) {
    console.log(HELP);
    return name || parsed.values.help ? 0 : 2;
  }
  const command = { ...commands, ...passkeyCommands, ...trustCommands, ...graceCommands }[name];
  if (!command) {
    console.error(`deskgate: unknown command "${name}" (see --help)`);
    return 2;
  }
  // The commands with an operand: the backup file.
  const operands = name === 'db:backup' || name === 'db:restore' ? 1 : 0;
  const emails = parsed.values.email ?? [];
  if (emails.length > 1 && name !== 'user:require-2fa') {
    console.error(`deskgate: give --email once for ${name} (see --help)`);
    return 2;
  }
  const flags = { ...parsed.values, email: emails[0], emails };
  const values = operands ? { ...flags, file: extra.shift() } : flags;
  if (extra.length > 0) {
    console.error(`deskgate: unexpected argument "${extra[0]}" (see --help)`);
    return 2;
  }
  try {
    // The database first, as at start: it creates the folder that the key files go in. Not for a
    // restore, which checks the backup against the keys before it creates or changes anything.
    if (name !== 'db:restore') {
      await database();
      await prepareSecrets();
    }
    await print(await command(values), parsed.values.json === true);
    return 0;
  } catch (error) {
    if (error instanceof CliError || error instanceof AccountError || error instanceof ConfigError || error instanceof MissingKeyError || error instanceof BackupRefused) {
      console.error(`deskgate: ${error.message}`);
      return 1;
    }
    const unreachable = databaseUnreachable(error);
    if (unreachable) {
      console.error(`deskgate: ${unreachable}`);
      return 1;
    }
    throw error;
  } finally {
    await closeDatabase();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // One line: a database error's message goes on with the statement's parameters (a password hash, say).
    console.error(`deskgate: unexpected error: ${(error as Error).message.split('\n')[0]}`);
    process.exit(1);
  },
);
