import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { storeFor } from '../../db/store';

// Decided once in the runner; workers inherit the environment, so they all see the same folder.
process.env.DESKGATE_E2E_DIR ??= mkdtempSync(path.join(tmpdir(), 'deskgate-e2e-'));
export const e2eDir = process.env.DESKGATE_E2E_DIR;
export const serverLog = path.join(e2eDir, 'server.log');

/**
 * E2E_STORE=postgres (npm run test:e2e:pg, which starts a throwaway server and gives its fresh
 * database in DATABASE_URL): two app instances share that database behind a round-robin balancer
 * on E2E_PORT (e2e/support/round-robin.mjs). Otherwise one instance on a SQLite file in e2eDir.
 */
export const store = process.env.E2E_STORE === 'postgres' ? 'postgres' : 'sqlite';
function postgresUrl(): string {
  const url = process.env.DATABASE_URL ?? '';
  if (storeFor(url) !== 'postgres') throw new Error('E2E_STORE=postgres needs DATABASE_URL=postgres://… naming a throwaway database (npm run test:e2e:pg starts one).');
  return url;
}
export const databaseUrl = store === 'postgres' ? postgresUrl() : `file:${path.join(e2eDir, 'deskgate.db')}`;
export const port = Number(process.env.E2E_PORT ?? 3210);
/** The app instances behind the balancer on PostgreSQL (SQLite: the one server, on `port` itself). */
export const instancePorts = store === 'postgres' ? [port + 1, port + 2] : [port];
/** Each instance's loopback-only metrics listener (METRICS_PORT), beside its port. */
export const metricsPort = (instancePort: number) => instancePort + 50;
/** Point the suite at a running server with E2E_BASE_URL (its DATABASE_URL must be given too). */
export const baseURL = process.env.E2E_BASE_URL ?? `http://localhost:${port}`;

/** The test identity provider (e2e/support/idp-server.mjs), on loopback. */
export const idp = {
  port: Number(process.env.IDP_PORT ?? 3390),
  get issuer() {
    return `http://127.0.0.1:${this.port}`;
  },
  clientId: 'deskgate',
  clientSecret: 'deskgate-test-secret',
  name: 'Test IdP',
};

/** The run's SMTP server (e2e/support/smtp-sink.mjs): every mail the app sends arrives there; the tests read it over `api`. */
export const smtpSink = {
  port: Number(process.env.SMTP_SINK_PORT ?? port + 30),
  apiPort: Number(process.env.SMTP_SINK_PORT ?? port + 30) + 1,
  get api() {
    return `http://127.0.0.1:${this.apiPort}`;
  },
};

/**
 * PostgreSQL has no folder beside the database for the key files: every process of the run (the
 * instances, extra servers, the test workers, which write encrypted rows too) gets the same three
 * keys from the environment, made once in the runner.
 */
function sharedKeys(): Record<string, string> {
  if (store !== 'postgres') return {};
  const key = () => randomBytes(32).toString('base64url');
  process.env.AUTH_SECRET ??= key();
  process.env.DESKGATE_ENCRYPTION_KEY ??= key();
  process.env.DESKGATE_CODE_KEY ??= key();
  return { AUTH_SECRET: process.env.AUTH_SECRET, DESKGATE_ENCRYPTION_KEY: process.env.DESKGATE_ENCRYPTION_KEY, DESKGATE_CODE_KEY: process.env.DESKGATE_CODE_KEY };
}

/** Lowered thresholds and a cheaper bcrypt cost, shared by the server and the fixtures. */
export const serverEnv: Record<string, string> = {
  DATABASE_URL: process.env.E2E_BASE_URL ? (process.env.DATABASE_URL ?? databaseUrl) : databaseUrl,
  DESKGATE_DEMO: '0',
  DESKGATE_BCRYPT_COST: '10',
  DESKGATE_STEP_UP_SECONDS: '600',
  DESKGATE_LOGIN_EMAIL_FAILURES: '8',
  DESKGATE_LOGIN_IP_FAILURES: '100000',
  // Every test asks from loopback: the per-address limit of forgot-password requests would be the whole run's.
  DESKGATE_RESET_IP_REQUESTS: '100000',
  DESKGATE_2FA_CHALLENGE_FAILURES: '5',
  DESKGATE_2FA_USER_FAILURES: '10',
  NEXT_TELEMETRY_DISABLED: '1',
  // A page or action that asks for a message missing from lib/i18n/messages fails (500) instead of showing its key.
  DESKGATE_STRICT_MESSAGES: '1',
  OIDC_ISSUER: idp.issuer,
  OIDC_CLIENT_ID: idp.clientId,
  OIDC_CLIENT_SECRET: idp.clientSecret,
  OIDC_NAME: idp.name,
  SECURITY_CONTACT: 'security@deskgate.example',
  SMTP_URL: `smtp://deskgate:sink-password@127.0.0.1:${smtpSink.port}`,
  MAIL_FROM: 'Deskgate <no-reply@deskgate.example>',
  DESKGATE_MAIL_POLL_MS: '100',
  // A refused mail is retried after 1 s, not 10: the tests that refuse one wait for the retry.
  DESKGATE_MAIL_RETRY_MS: '1000',
  // No balancer probes the test servers: they stop without the production default's 5 s (shutdown.spec.ts sets its own).
  DESKGATE_SHUTDOWN_DELAY_SECONDS: '0',
  ...sharedKeys(),
};
Object.assign(process.env, serverEnv);

// Debian's headless shell where it exists: Chromium without the browser around it, as Playwright's
// own headless runs use (chromium-headless-shell). The browser took 60% of the suite's CPU under the
// full /usr/bin/chromium in headless mode. Then Debian's Chromium, then Playwright's own browser.
const systemChromium = ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'].find((file) => existsSync(file));
/** Debian's Chromium where it exists (this CI), Playwright's own browser elsewhere. */
export const launchOptions = systemChromium
  ? {
      executablePath: systemChromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    }
  : {};
