import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Decided once in the runner; workers inherit the environment, so they all see the same folder.
process.env.DESKGATE_E2E_DIR ??= mkdtempSync(path.join(tmpdir(), 'deskgate-e2e-'));
export const e2eDir = process.env.DESKGATE_E2E_DIR;
export const serverLog = path.join(e2eDir, 'server.log');
export const databaseUrl = `file:${path.join(e2eDir, 'deskgate.db')}`;
export const port = Number(process.env.E2E_PORT ?? 3210);
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

/** Lowered thresholds and a cheaper bcrypt cost, shared by the server and the fixtures. */
export const serverEnv: Record<string, string> = {
  DATABASE_URL: process.env.E2E_BASE_URL ? (process.env.DATABASE_URL ?? databaseUrl) : databaseUrl,
  DESKGATE_DEMO: '0',
  DESKGATE_BCRYPT_COST: '10',
  DESKGATE_STEP_UP_SECONDS: '600',
  DESKGATE_LOGIN_EMAIL_FAILURES: '8',
  DESKGATE_LOGIN_IP_FAILURES: '100000',
  DESKGATE_2FA_CHALLENGE_FAILURES: '5',
  DESKGATE_2FA_USER_FAILURES: '10',
  NEXT_TELEMETRY_DISABLED: '1',
  OIDC_ISSUER: idp.issuer,
  OIDC_CLIENT_ID: idp.clientId,
  OIDC_CLIENT_SECRET: idp.clientSecret,
  OIDC_NAME: idp.name,
};
Object.assign(process.env, serverEnv);

const systemChromium = '/usr/bin/chromium';
/** Debian's Chromium where it exists (this CI), Playwright's own browser elsewhere. */
export const launchOptions = existsSync(systemChromium)
  ? {
      executablePath: systemChromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    }
  : {};
