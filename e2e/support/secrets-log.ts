import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { e2eDir } from './env';

const file = path.join(e2eDir, 'secrets-used.txt');

/** Notes a password, TOTP secret, code or recovery code a test used, for the log check at the end of the run. */
export function rememberSecret(...values: string[]) {
  appendFileSync(file, values.map((v) => v + '\n').join(''));
}

export function secretsUsed(): string[] {
  return existsSync(file) ? [...new Set(readFileSync(file, 'utf8').split('\n').filter((s) => s.length >= 6))] : [];
}
