import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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

/** Builds when the build is missing or older than the source; false when the build failed. */
export function ensureBuild(root: string): boolean {
  if (buildIsCurrent(root)) return true;
  console.log('Building Deskgate (the build is missing or older than the source)…');
  const digest = sourceDigest(root);
  const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
  const build = spawnSync(process.execPath, [nextBin, 'build'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' } });
  if (build.status !== 0) return false;
  writeFileSync(path.join(root, STAMP_FILE), digest);
  return true;
}
