import 'server-only';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, linkSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { db } from '@/db';
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
  inUse: () => boolean;
}

const specs = {
  authSecret: { env: 'AUTH_SECRET', file: 'auth-secret', bytes: 32, inUse: () => false },
  encryptionKey: {
    env: 'DESKGATE_ENCRYPTION_KEY',
    file: 'encryption-key',
    bytes: 32,
    inUse: () => count(sql`select (select count(*) from users where totp_secret is not null) + (select count(*) from pending_enrollments)`) > 0,
  },
  codeKey: {
    env: 'DESKGATE_CODE_KEY',
    file: 'code-key',
    bytes: 32,
    inUse: () => count(sql`select count(*) from recovery_codes`) > 0,
  },
} satisfies Record<keyof Secrets, SecretSpec>;

function count(query: ReturnType<typeof sql>): number {
  const row = db().get<Record<string, number>>(query);
  return Number(Object.values(row ?? {})[0] ?? 0);
}

function loadOne(spec: SecretSpec): string {
  const fromEnv = process.env[spec.env];
  if (fromEnv) return fromEnv;
  const dbPath = config().databasePath;
  // Tests on an in-memory database get throwaway keys.
  if (dbPath === ':memory:') return randomBytes(spec.bytes).toString('base64url');
  const file = path.join(path.dirname(dbPath), spec.file);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  if (spec.inUse()) {
    throw new MissingKeyError(
      `The database ${dbPath} holds data encrypted or keyed with ${spec.env}, but neither ${spec.env} nor ${file} is there. ` +
        'Restore the key from your backup; Deskgate will not generate a new one.',
    );
  }
  const value = randomBytes(spec.bytes).toString('base64url');
  // Another process wrote it first: use theirs.
  return writeKeyFile(file, value) ? value : readFileSync(file, 'utf8').trim();
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

/** Loads the secrets from the environment or beside the database, generating the ones nothing depends on yet. */
export function secrets(): Secrets {
  cached ??= {
    authSecret: loadOne(specs.authSecret),
    encryptionKey: decodeKey(loadOne(specs.encryptionKey), specs.encryptionKey.env),
    codeKey: decodeKey(loadOne(specs.codeKey), specs.codeKey.env),
  };
  return cached;
}
