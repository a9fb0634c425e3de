import 'server-only';
import { createHmac, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { eq } from 'drizzle-orm';
import { rawRows, writeTransaction } from '@/db';
import { keyChecks } from '@/db/schema';
import { config } from './config';

export interface Secrets {
  authSecret: string;
  encryptionKey: Buffer;
  codeKey: Buffer;
}

export class MissingKeyError extends Error {}

interface SecretSpec {
  env: string;
  file: string;
  bytes: number;
  /** True when data at rest depends on this key, so a new one must never be generated. */
  inUse: () => Promise<boolean>;
}

const specs = {
  authSecret: { env: 'AUTH_SECRET', file: 'auth-secret', bytes: 32, inUse: async () => false },
  encryptionKey: {
    env: 'DESKGATE_ENCRYPTION_KEY',
    file: 'encryption-key',
    bytes: 32,
    inUse: async () => (await count(sql`select (select count(*) from users where totp_secret is not null) + (select count(*) from pending_enrollments) as n`)) > 0,
  },
  codeKey: {
    env: 'DESKGATE_CODE_KEY',
    file: 'code-key',
    bytes: 32,
    inUse: async () => (await count(sql`select count(*) as n from recovery_codes`)) > 0,
  },
} satisfies Record<keyof Secrets, SecretSpec>;

async function count(query: ReturnType<typeof sql>): Promise<number> {
  const [row] = await rawRows<{ n: number | string }>(query);
  return Number(row?.n ?? 0);
}

/**
 * Where the key files live: DESKGATE_SECRETS_DIR, else beside a SQLite database. PostgreSQL has no
 * such place, and instances that generated keys each for itself could not read each other's data.
 */
function secretsDir(): string {
  const { secretsDir: given, store, databasePath } = config();
  if (given) return given;
  if (store === 'sqlite') return path.dirname(databasePath);
  throw new MissingKeyError(
    'With PostgreSQL, give the keys to every instance: AUTH_SECRET, DESKGATE_ENCRYPTION_KEY and DESKGATE_CODE_KEY, or DESKGATE_SECRETS_DIR, a folder they all read (missing keys are created there on first start).',
  );
}

/** A key from the environment, or its file, or (tests on an in-memory database) a throwaway one; null when it must be created. */
function existingKey(spec: SecretSpec): string | null {
  const fromEnv = process.env[spec.env];
  if (fromEnv) return fromEnv;
  if (config().databasePath === ':memory:') return randomBytes(spec.bytes).toString('base64url');
  const file = path.join(/* turbopackIgnore: true */ secretsDir(), spec.file);
  return existsSync(/* turbopackIgnore: true */ file) ? readFileSync(/* turbopackIgnore: true */ file, 'utf8').trim() : null;
}

async function loadOne(spec: SecretSpec): Promise<string> {
  const existing = existingKey(spec);
  if (existing) return existing;
  const file = path.join(/* turbopackIgnore: true */ secretsDir(), spec.file);
  if (await spec.inUse()) {
    throw new MissingKeyError(
      `The database holds data encrypted or keyed with ${spec.env}, but neither ${spec.env} nor ${file} is there. ` +
        'Restore the key from your backup; Deskgate will not generate a new one.',
    );
  }
  const value = randomBytes(spec.bytes).toString('base64url');
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Another process wrote it first: use theirs.
  return writeKeyFile(file, value) ? value : readFileSync(/* turbopackIgnore: true */ file, 'utf8').trim();
}

function fsyncFolder(folder: string): void {
  const fd = openSync(folder, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a key file that is, after a crash or power loss, either whole or absent: written and
 * fsynced under a temporary name, linked into place (which fails if another process won), then
 * the folder fsynced so that the name itself is durable. False when the file already existed.
 */
function writeKeyFile(file: string, value: string): boolean {
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, value + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
  fsyncFolder(path.dirname(file));
  return true;
}

function decodeKey(value: string, name: string): Buffer {
  const key = Buffer.from(value, /^[0-9a-f]{64}$/i.test(value) ? 'hex' : 'base64url');
  if (key.length !== 32) throw new MissingKeyError(`${name} must be 32 bytes (64 hex digits or 43 base64url characters).`);
  return key;
}

let cached: Secrets | undefined;

function decodeAll(values: Record<keyof Secrets, string>): Secrets {
  return {
    authSecret: values.authSecret,
    encryptionKey: decodeKey(values.encryptionKey, specs.encryptionKey.env),
    codeKey: decodeKey(values.codeKey, specs.codeKey.env),
  };
}

/**
 * At start (server, CLI): loads the secrets from the environment or their folder, creating the
 * ones nothing in the database depends on yet, and refusing when data needs a key that is gone.
 */
export async function prepareSecrets(): Promise<Secrets> {
  if (cached) return cached;
  const loaded = decodeAll({ authSecret: await loadOne(specs.authSecret), encryptionKey: await loadOne(specs.encryptionKey), codeKey: await loadOne(specs.codeKey) });
  await checkAgainstDatabase(loaded);
  cached = loaded;
  return cached;
}

// The data keys only: AUTH_SECRET may be rotated (everyone signs in again), they cannot.
const dataKeys = ['encryptionKey', 'codeKey'] as const;

/** The check value recorded for a data key: an HMAC under it, which tells keys apart and reveals nothing of them. */
function keyCheck(key: Buffer): string {
  return createHmac('sha256', key).update('deskgate key check v1').digest('hex');
}

/**
 * For a restore: this installation's data keys (environment or files; none is created) that are
 * missing or differ from those whose check values a database recorded (`recorded`: name → digest).
 */
export function keysNotMatching(recorded: Record<string, string>): { env: string; file: string }[] {
  return dataKeys.flatMap((name) => {
    const spec = specs[name];
    const value = existingKey(spec);
    const digest = value ? keyCheckOf(value) : null;
    return digest !== null && digest === recorded[spec.env] ? [] : [{ env: spec.env, file: path.join(/* turbopackIgnore: true */ secretsDir(), spec.file) }];
  });
}

/** The check value of a key as written in its file or variable; null when that is no valid key. */
function keyCheckOf(value: string): string | null {
  try {
    return keyCheck(decodeKey(value, ''));
  } catch {
    return null;
  }
}

/**
 * The first start records a check value of each data key in the database; every later start (of any
 * instance) must have the same keys. Two instances with keys of their own would each fail on the
 * other's data: secrets that do not decrypt, codes that never match, sessions that end.
 */
async function checkAgainstDatabase(loaded: Secrets): Promise<void> {
  const mismatched = await writeTransaction(async (tx) => {
    for (const name of dataKeys) {
      const spec = specs[name];
      const digest = keyCheck(loaded[name]);
      await tx.insert(keyChecks).values({ name: spec.env, digest }).onConflictDoNothing({ target: keyChecks.name });
      const [recorded] = await tx.select({ digest: keyChecks.digest }).from(keyChecks).where(eq(keyChecks.name, spec.env));
      if (recorded?.digest !== digest) return spec.env;
    }
    return null;
  });
  if (mismatched) {
    throw new MissingKeyError(
      `${mismatched} is not the key this database was set up with: every instance (and a restored backup) needs the same keys. Give this one the others' key.`,
    );
  }
}

/** The secrets, as `prepareSecrets` left them (the server's pages read the files it created). */
export function secrets(): Secrets {
  if (cached) return cached;
  const values = Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => {
      const value = existingKey(spec);
      if (!value) throw new MissingKeyError(`${spec.env} is missing: start the server with npm start, which creates or checks the keys.`);
      return [name, value];
    }),
  ) as Record<keyof Secrets, string>;
  cached = decodeAll(values);
  return cached;
}
