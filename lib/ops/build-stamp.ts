import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const INPUTS = ['app', 'lib', 'db', 'public', 'proxy.ts', 'next.config.ts', 'tsconfig.json', 'postcss.config.mjs', 'package-lock.json'];

function files(entry: string): string[] {
  if (!existsSync(entry)) return [];
  if (!statSync(entry).isDirectory()) return [entry];
  return readdirSync(entry)
    .sort()
    .flatMap((name) => files(path.join(entry, name)))
    .filter((f) => !/\.test\.tsx?$/.test(f));
}

/** A digest of everything the production build is made from, including build-time settings. */
export function sourceDigest(root: string): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((i) => files(path.join(root, i)))) {
    hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  hash.update(`ALLOWED_ORIGINS=${process.env.ALLOWED_ORIGINS ?? ''}`);
  return hash.digest('hex');
}

export const STAMP_FILE = path.join('.next', 'deskgate-source-digest');

export function buildIsCurrent(root: string): boolean {
  const stamp = path.join(root, STAMP_FILE);
  if (!existsSync(path.join(root, '.next', 'BUILD_ID')) || !existsSync(stamp)) return false;
  return readFileSync(stamp, 'utf8') === sourceDigest(root);
}
