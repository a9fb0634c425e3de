import { existsSync, readFileSync } from 'node:fs';
import { serverLog } from './env';
import { secretsUsed } from './secrets-log';

/**
 * After the whole run: the server's log (security events and all) must not contain any password,
 * TOTP secret, code or recovery code the tests used.
 */
export default function checkServerLog() {
  if (!existsSync(serverLog)) return;
  const log = readFileSync(serverLog, 'utf8');
  const secrets = secretsUsed();
  const leaked = secrets.filter((s) => (/^\d{6}$/.test(s) ? new RegExp(`(?<![\\d])${s}(?![\\d])`).test(log) : log.includes(s)));
  if (leaked.length) throw new Error(`The server log contains ${leaked.length} secret(s) the tests used, e.g. ${leaked[0]!.slice(0, 3)}…`);
  console.log(`Server log checked: none of the ${secrets.length} passwords, secrets and codes used appear in it.`);
}
