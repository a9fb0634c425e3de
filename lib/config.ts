import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { storeFor } from '@/db/store';

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const count = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);

/** An empty variable counts as not set (as `OIDC_ISSUER=` in a .env file means). */
const unsetWhenEmpty = <S extends z.ZodType>(inner: S) => z.preprocess((v) => (v === '' ? undefined : v), inner.optional());

const CONTACT_SCHEMES = ['https:', 'mailto:', 'tel:'];

/** SECURITY_CONTACT as the URI security.txt names: an email address becomes a mailto: URI. */
const securityContact = z.string().transform((value, ctx) => {
  if (z.email().safeParse(value).success) return `mailto:${value}`;
  // URL parsing drops line breaks, so no value can add a field of its own to the file.
  const url = URL.canParse(value) ? new URL(value) : null;
  if (url && CONTACT_SCHEMES.includes(url.protocol) && url.href.length > url.protocol.length) return url.href;
  ctx.addIssue({ code: 'custom', message: 'must be an email address or an https:, mailto: or tel: URI, such as security@example.com' });
  return z.NEVER;
});

const SMTP_URL_FORM = 'must be smtp://user:password@host:port or smtps://user:password@host:port';
const smtpUrl = z.string().transform((value, ctx) => {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (url && (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname) return value;
  // The value may hold a password: never echoed.
  ctx.addIssue({ code: 'custom', message: SMTP_URL_FORM });
  return z.NEVER;
});

// `address@example.com` or `Name <address@example.com>`.
const mailFrom = z.string().refine((value) => z.email().safeParse(/<([^<>]+)>\s*$/.exec(value)?.[1] ?? value.trim()).success, { error: 'must be an address, such as Deskgate <no-reply@example.com>' });

const schema = z.object({
  DATABASE_URL: z.string().min(1).default('file:./data/deskgate.db'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  DESKGATE_SECRETS_DIR: unsetWhenEmpty(z.string().min(1)),
  APP_NAME: z.string().min(1).default('Deskgate'),
  TRUST_PROXY: z.enum(['0', '1']).default('0'),
  AUTH_URL: unsetWhenEmpty(z.url({ error: 'must be the URL the app is served at, such as https://deskgate.example.com' })),
  PORT: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(65535).default(3000)),
  AUTH_TRUST_HOST: unsetWhenEmpty(z.enum(['true', '1', 'false', '0'], { error: 'must be true, 1, false or 0' })),
  DESKGATE_SESSION_MAX_SECONDS: seconds(24 * 3600),
  DESKGATE_SESSION_IDLE_SECONDS: seconds(3600),
  DESKGATE_STEP_UP_SECONDS: seconds(600),
  DESKGATE_VERIFY_CHALLENGE_SECONDS: seconds(300),
  DESKGATE_SETUP_CHALLENGE_SECONDS: seconds(900),
  // The length of one "day" of a trusted browser's window: tests lower it to watch a trust expire.
  DESKGATE_TRUSTED_BROWSER_DAY_SECONDS: z.coerce.number().int().min(1).max(86_400).default(86_400),
  DESKGATE_BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
  // The bcrypt implementation of the hash workers: native (C, prebuilt) unless it cannot load here.
  DESKGATE_HASHER: z.enum(['bcrypt', 'bcryptjs'], { error: 'must be bcrypt (native, the default) or bcryptjs' }).default('bcrypt'),
  DESKGATE_HASH_WORKERS: z.coerce.number().int().positive().default(os.availableParallelism()),
  DESKGATE_HASH_QUEUE: count(64),
  DESKGATE_HASHES_PER_ADDRESS: seconds(2),
  DESKGATE_2FA_CHALLENGE_FAILURES: seconds(5),
  DESKGATE_2FA_USER_FAILURES: seconds(10),
  DESKGATE_2FA_WINDOW_SECONDS: seconds(900),
  DESKGATE_2FA_LOCK_SECONDS: seconds(900),
  DESKGATE_2FA_MAX_FAILURES: seconds(100),
  DESKGATE_LOGIN_EMAIL_FAILURES: seconds(10),
  DESKGATE_LOGIN_IP_FAILURES: seconds(50),
  DESKGATE_LOGIN_WINDOW_SECONDS: seconds(900),
  DESKGATE_LOGIN_LOCK_SECONDS: seconds(900),
  DESKGATE_LOGIN_LOCKED_DELAY_MS: z.coerce.number().int().min(0).max(10_000).default(300),
  // Forgotten password: requests per email and per address in the sign-in window; mails per account an hour.
  DESKGATE_RESET_EMAIL_REQUESTS: seconds(5),
  DESKGATE_RESET_IP_REQUESTS: seconds(20),
  DESKGATE_RESET_MAILS_PER_HOUR: seconds(3),
  // Read by lib/ops/server.mjs itself (plain JavaScript); checked here so that a typo stops `npm start`.
  DESKGATE_SHUTDOWN_DELAY_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
  DESKGATE_SHUTDOWN_DRAIN_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
  OIDC_ISSUER: unsetWhenEmpty(z.url({ error: 'must be the identity provider’s issuer URL' })),
  OIDC_CLIENT_ID: unsetWhenEmpty(z.string()),
  OIDC_CLIENT_SECRET: unsetWhenEmpty(z.string()),
  OIDC_NAME: z.string().min(1).max(40).default('SSO'),
  // Read by lib/ops/server.mjs: a loopback-only listener that serves /metrics.
  METRICS_PORT: unsetWhenEmpty(z.coerce.number().int().min(1).max(65535)),
  METRICS_TOKEN: unsetWhenEmpty(z.string().min(32, { error: 'must be at least 32 characters (such as the output of `openssl rand -hex 32`)' })),
  SECURITY_CONTACT: unsetWhenEmpty(securityContact),
  // Mail: SMTP when given, else .eml files in MAIL_DIR (beside a SQLite database by default).
  SMTP_URL: unsetWhenEmpty(smtpUrl),
  MAIL_FROM: unsetWhenEmpty(mailFrom),
  MAIL_DIR: unsetWhenEmpty(z.string().min(1)),
  DESKGATE_MAIL_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  DESKGATE_MAIL_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(10),
  // The wait before a failed mail's first retry (it doubles from there, up to an hour). The tests lower it.
  DESKGATE_MAIL_RETRY_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
});

export type Config = ReturnType<typeof readConfig>;

export class ConfigError extends Error {}

export function readConfig(env: Record<string, string | undefined>) {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Invalid environment variable ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  const trustHost = e.AUTH_TRUST_HOST === undefined || e.AUTH_TRUST_HOST === 'true' || e.AUTH_TRUST_HOST === '1';
  // Auth.js refuses every request when it may not read the host and has no fixed URL: say so at start.
  if (!trustHost && !e.AUTH_URL) throw new ConfigError('AUTH_TRUST_HOST=false needs AUTH_URL, the URL the app is served at (such as https://deskgate.example.com).');
  const ms = (s: number) => s * 1000;
  return {
    store: storeFor(e.DATABASE_URL),
    databaseUrl: e.DATABASE_URL,
    // SQLite's file (PostgreSQL: unused).
    databasePath: storeFor(e.DATABASE_URL) === 'sqlite' ? resolveDatabasePath(e.DATABASE_URL) : '',
    postgres: { poolSize: e.DATABASE_POOL_SIZE, statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS, connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS },
    // Where the key files live: beside a SQLite database unless given; PostgreSQL has no such place.
    secretsDir: e.DESKGATE_SECRETS_DIR ? path.resolve(/* turbopackIgnore: true */ process.cwd(), e.DESKGATE_SECRETS_DIR) : undefined,
    appName: e.APP_NAME,
    // The public URL, when given (WebAuthn's relying party, security.txt's Canonical).
    authUrl: e.AUTH_URL,
    // Where to report a vulnerability, as a URI (security.txt's Contact); undefined: none named.
    securityContact: e.SECURITY_CONTACT,
    // The port `npm start` listens on (lib/ops/server.mjs reads it too).
    port: e.PORT,
    trustProxy: e.TRUST_PROXY === '1',
    // With AUTH_URL, Auth.js takes the origin from it and no header is trusted (its own default too).
    authTrustHost: trustHost || e.AUTH_URL !== undefined,
    sessionMaxMs: ms(e.DESKGATE_SESSION_MAX_SECONDS),
    sessionIdleMs: ms(e.DESKGATE_SESSION_IDLE_SECONDS),
    stepUpMs: ms(e.DESKGATE_STEP_UP_SECONDS),
    verifyChallengeMs: ms(e.DESKGATE_VERIFY_CHALLENGE_SECONDS),
    setupChallengeMs: ms(e.DESKGATE_SETUP_CHALLENGE_SECONDS),
    trustedBrowserDayMs: ms(e.DESKGATE_TRUSTED_BROWSER_DAY_SECONDS),
    bcryptCost: e.DESKGATE_BCRYPT_COST,
    hasher: e.DESKGATE_HASHER,
    hashWorkers: e.DESKGATE_HASH_WORKERS,
    hashQueue: e.DESKGATE_HASH_QUEUE,
    hashesPerAddress: e.DESKGATE_HASHES_PER_ADDRESS,
    secondFactor: {
      challengeFailures: e.DESKGATE_2FA_CHALLENGE_FAILURES,
      userFailures: e.DESKGATE_2FA_USER_FAILURES,
      windowMs: ms(e.DESKGATE_2FA_WINDOW_SECONDS),
      lockMs: ms(e.DESKGATE_2FA_LOCK_SECONDS),
      maxFailures: e.DESKGATE_2FA_MAX_FAILURES,
    },
    // SSO is on when the three OIDC settings are all given.
    oidc:
      e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET
        ? { issuer: e.OIDC_ISSUER, clientId: e.OIDC_CLIENT_ID, clientSecret: e.OIDC_CLIENT_SECRET, name: e.OIDC_NAME }
        : null,
    // Lets a scraper that is not on loopback read /metrics (as `Authorization: Bearer …`).
    metricsToken: e.METRICS_TOKEN,
    mail: {
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM ?? `${e.APP_NAME} <no-reply@${e.AUTH_URL ? new URL(e.AUTH_URL).hostname : 'localhost'}>`,
      // Without SMTP: the .eml files' folder, beside the SQLite database (PostgreSQL: ./data/mail).
      dir: path.resolve(/* turbopackIgnore: true */ process.cwd(), e.MAIL_DIR ?? (storeFor(e.DATABASE_URL) === 'sqlite' && resolveDatabasePath(e.DATABASE_URL) !== ':memory:' ? path.join(path.dirname(resolveDatabasePath(e.DATABASE_URL)), 'mail') : 'data/mail')),
      pollMs: e.DESKGATE_MAIL_POLL_MS,
      attempts: e.DESKGATE_MAIL_ATTEMPTS,
      retryMs: e.DESKGATE_MAIL_RETRY_MS,
    },
    password: {
      emailFailures: e.DESKGATE_LOGIN_EMAIL_FAILURES,
      ipFailures: e.DESKGATE_LOGIN_IP_FAILURES,
      windowMs: ms(e.DESKGATE_LOGIN_WINDOW_SECONDS),
      lockMs: ms(e.DESKGATE_LOGIN_LOCK_SECONDS),
      lockedDelayMs: e.DESKGATE_LOGIN_LOCKED_DELAY_MS,
    },
    // Forgotten-password requests: counted in the sign-in window (DESKGATE_LOGIN_WINDOW_SECONDS) under keys of their own.
    reset: {
      emailRequests: e.DESKGATE_RESET_EMAIL_REQUESTS,
      ipRequests: e.DESKGATE_RESET_IP_REQUESTS,
      mailsPerHour: e.DESKGATE_RESET_MAILS_PER_HOUR,
    },
  };
}

/** `file:` URL or plain path, relative to the project root; `:memory:` for tests. */
export function resolveDatabasePath(url: string): string {
  const raw = url.startsWith('file:') ? url.slice('file:'.length) : url;
  if (raw === ':memory:') return raw;
  return path.resolve(/* turbopackIgnore: true */ process.cwd(), raw);
}

let cached: Config | undefined;
export function config(): Config {
  cached ??= readConfig(process.env);
  return cached;
}
