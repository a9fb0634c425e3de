import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { e2eDir, serverLog } from './env';
import { secretsUsed } from './secrets-log';

/**
 * After the whole run: the server's log (security events and all), and those of extra servers that
 * kept one, must not contain any password, TOTP secret, code or recovery code the tests used.
 */
export default function checkServerLog() {
  const extra = existsSync(e2eDir) ? readdirSync(e2eDir).filter((f) => /^extra-server-.*\.log$/.test(f)).map((f) => path.join(e2eDir, f)) : [];
  const logs = [serverLog, ...extra].filter((f) => existsSync(f));
  if (!logs.length) return;
  const log = logs.map((f) => readFileSync(f, 'utf8')).join('\n');
  const secrets = secretsUsed();
  const leaked = secrets.filter((s) => (/^\d{6}$/.test(s) ? new RegExp(`(?<![\\d])${s}(?![\\d])`).test(log) : log.includes(s)));
  if (leaked.length) throw new Error(`The server logs contain ${leaked.length} secret(s) the tests used, e.g. ${leaked[0]!.slice(0, 3)}…`);
  console.log(`Server log${logs.length > 1 ? 's' : ''} checked: none of the ${secrets.length} passwords, secrets and codes used appear in ${logs.length > 1 ? 'them' : 'it'}.`);
}
