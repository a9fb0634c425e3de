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
import { cell, printable, printableJson } from './printable';
import { say, sayMessage } from './say';

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

/** One line on stderr. Refusals can name what they refuse (a restore names the backup's objects), so no value may add a line or drive the terminal. */
function fail(line: string) {
  console.error(`deskgate: ${cell(line)}`);
}

async function print(output: Output, json: boolean) {
  if (output.stream) {
    // Chunk by chunk, waiting whenever stdout's buffer is full (a pipe to a slow reader).
    for await (const chunk of output.stream) if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
    return;
  }
  // A CSV is data for a program, byte for byte. JSON escapes C0 controls itself; the rest that a
  // terminal acts on is written as \uXXXX, which parses back to the same value.
  if (json) console.log(printableJson(JSON.stringify(output.data, null, 2)));
  else if (output.csv) console.log(output.text);
  else console.log(printable(output.text));
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    fail(say('Cli.seeHelp', { message: (error as Error).message.split('\n')[0]! }));
    return 2;
  }
  const [name, ...extra] = parsed.positionals;
  if (parsed.values.help || !name) {
    // The usage text: in the operator's language (lib/cli/say.ts), as every answer.
    console.log(say('Cli.help'));
    return name || parsed.values.help ? 0 : 2;
  }
  const command = { ...commands, ...passkeyCommands, ...trustCommands, ...graceCommands }[name];
  if (!command) {
    fail(say('Cli.unknownCommand', { name }));
    return 2;
  }
  // The commands with an operand: the backup file.
  const operands = name === 'db:backup' || name === 'db:restore' ? 1 : 0;
  const emails = parsed.values.email ?? [];
  if (emails.length > 1 && name !== 'user:require-2fa') {
    fail(say('Cli.emailOnce', { command: name }));
    return 2;
  }
  const flags = { ...parsed.values, email: emails[0], emails };
  const values = operands ? { ...flags, file: extra.shift() } : flags;
  if (extra.length > 0) {
    fail(say('Cli.unexpectedArgument', { argument: extra[0]! }));
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
      // A message key from lib code in the operator's language; a sentence not yet turned into one as it is.
      fail(sayMessage(error.message));
      return 1;
    }
    const unreachable = databaseUnreachable(error);
    if (unreachable) {
      fail(unreachable);
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
    fail(say('Cli.unexpectedError', { message: (error as Error).message.split('\n')[0]! }));
    process.exit(1);
  },
);
