import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';

/** A throwaway folder for a database file, removed when the test process exits. */
export function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'deskgate-unit-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Each entry point compiled once per test process into one file. Under tsx every one of the few
 * hundred modules an entry point loads goes through its loader hooks: a CLI command cost about 2.2 s
 * of CPU that way and 0.9 s bundled, and the unit tests run some hundred of them. The bundle is the
 * same source through the same compiler (tsx is esbuild too); packages stay external, resolved by Node
 * at run time as under tsx, so it is written inside the project (beside node_modules), and paths the
 * code builds from the working directory (migrations, key files) are the same.
 */
const bundles = new Map<string, string>();
let bundleDir: string | undefined;

function bundled(script: string): string {
  const known = bundles.get(script);
  if (known) return known;
  if (!bundleDir) {
    const parent = path.join(process.cwd(), 'node_modules', '.cache', 'deskgate-test-scripts');
    mkdirSync(parent, { recursive: true });
    const dir = mkdtempSync(path.join(parent, `${process.pid}-`));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    bundleDir = dir;
  }
  const outfile = path.join(bundleDir, `${script.replace(/[^\w.-]+/g, '_')}.mjs`);
  buildSync({ entryPoints: [script], outfile, bundle: true, platform: 'node', format: 'esm', packages: 'external', conditions: ['react-server'], logLevel: 'error' });
  bundles.set(script, outfile);
  return outfile;
}

/**
 * Runs one of the project's TypeScript entry points; `input` is its standard input. Compiled into one
 * file (above) unless `viaTsx`, which runs it exactly as the npm scripts do.
 */
export function runScript(script: string, args: string[], env: Record<string, string>, input = '', options: { viaTsx?: boolean } = {}) {
  const entry = options.viaTsx ? ['--import', 'tsx', script] : [bundled(script)];
  // English unless the test asks for a language: the machine's LC_ALL, LC_MESSAGES or LANG would make the CLI answer in it.
  const { LC_ALL: _all, LC_MESSAGES: _messages, LANG: _lang, ...inherited } = process.env;
  const result = spawnSync(process.execPath, ['--conditions=react-server', ...entry, ...args], {
    env: { ...inherited, LANG: 'C', NODE_OPTIONS: '', DESKGATE_BCRYPT_COST: '4', ...env },
    encoding: 'utf8',
    input,
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
