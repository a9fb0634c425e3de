import { defineConfig } from '@playwright/test';
import { baseURL, e2eDir, idp, smtpSink, instancePorts, launchOptions, metricsPort, port, serverEnv, serverLog, store } from './e2e/support/env';

/**
 * The app: one `npm start` on E2E_PORT (SQLite); on PostgreSQL two, sharing the database and the keys,
 * behind the round-robin balancer on E2E_PORT, as a deployment behind a load balancer runs. They start
 * one after the other (Playwright waits for each), so only the first builds when the build is stale.
 * Their logs go to one file (security-event tests read it); their errors still show here.
 */
function appServers() {
  const instance = (instancePort: number, extra: Record<string, string>) => ({
    command: `npm start >> ${serverLog}`,
    url: `http://localhost:${instancePort}/login`,
    timeout: 300_000,
    reuseExistingServer: false,
    gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 5000 },
    // The server must not inherit the test runner's react-server condition.
    env: { ...serverEnv, ...extra, PORT: String(instancePort), METRICS_PORT: String(metricsPort(instancePort)), NODE_OPTIONS: '' },
  });
  if (store === 'sqlite') return [instance(port, {})];
  const balancer = {
    command: `node e2e/support/round-robin.mjs --health /readyz ${port} ${instancePorts.join(' ')}`,
    url: `${baseURL}/login`,
    timeout: 30_000,
    reuseExistingServer: false,
    env: { NODE_OPTIONS: '' },
  };
  // As the README's production set-up: the client's address is the last X-Forwarded-For hop (the
  // balancer appends it), and Auth.js builds its URLs (the OIDC redirect URI) from AUTH_URL, not
  // from the port the instance listens on.
  return [...instancePorts.map((p) => instance(p, { TRUST_PROXY: '1', AUTH_URL: baseURL })), balancer];
}

const rawRequestSpecs = /(races|attacks|crash-safety|shutdown|authorization|fuzz|challenge-token|request-hardening|lockout|operations)\.spec\.ts/;
// What these check does not depend on the store (the words of each language, the color scheme, focus
// order, response headers, public/, the manual key's layout); the store's side of their flows is walked
// by the other specs on PostgreSQL too. They run on SQLite only.
// So do the time-driven rules that the PostgreSQL unit tests check on that store (session limits, the
// second-factor cap).
const storeIndependentSpecs = /(german.*|appearance|keyboard|headers|public|manual-key|session-lifetime|second-factor-cap)\.spec\.ts/;
// Responses that are the same with JavaScript or without: headers, public/ files, CSV downloads, the
// color scheme. Their no-JS pass would repeat the JS one.
const sameWithoutJs = /(headers|public|users-export|appearance)\.spec\.ts/;

export default defineConfig({
  testDir: 'e2e',
  // After the run: no password, secret or code the tests used may appear in the server's log.
  globalTeardown: './e2e/support/teardown.ts',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  workers: 2,
  retries: 0,
  // A flow with four axe checks takes 25 s on a quiet 2-core machine and twice that under load.
  timeout: 90_000,
  reporter: [['list']],
  outputDir: `${e2eDir}/results`,
  // Recording a trace for every test cost 15% of the suite's time, and CI keeps no files: E2E_TRACE=1
  // keeps one for each failed test (npx playwright show-trace).
  use: { baseURL, launchOptions, trace: process.env.E2E_TRACE === '1' ? 'retain-on-failure' : 'off' },
  projects: [
    // races, attacks, crash-safety, shutdown, authorization, fuzz, challenge-token, request-hardening, lockout and operations send raw requests (no page): one project is enough.
    // restore.spec.ts sets up SQLite installations of its own whatever the store: once, in this project, is enough.
    { name: 'js', use: { javaScriptEnabled: true }, testIgnore: [rawRequestSpecs, /enumeration\.spec\.ts/, ...(store === 'postgres' ? [/restore\.spec\.ts/, storeIndependentSpecs] : [])] },
    // keyboard.spec.ts follows focus that JavaScript moves. On PostgreSQL every spec runs once: the
    // pages' no-JS pass is the same server work as the JS one (a form post instead of a fetch), which
    // the SQLite run covers; the raw-request specs run here.
    store === 'postgres'
      ? { name: 'no-js', use: { javaScriptEnabled: false }, testMatch: rawRequestSpecs, testIgnore: storeIndependentSpecs }
      : // Tests tagged @once check server rules behind pages whose JS-off path other tests already walk
        // (session lifetimes, the second-factor cap, SSO's refusals): their JS-off pass would add nothing.
        { name: 'no-js', use: { javaScriptEnabled: false }, testIgnore: [/(keyboard|enumeration|restore)\.spec\.ts/, sameWithoutJs], grepInvert: /@once/ },
    // Timing comparisons run last, alone, so that the other tests' load does not skew them.
    { name: 'timing', testMatch: /enumeration\.spec\.ts/, dependencies: ['js', 'no-js'] },
  ],
  webServer: process.env.E2E_BASE_URL
    ? undefined
    : [
        {
          command: 'node e2e/support/idp-server.mjs',
          url: `${idp.issuer}/.well-known/openid-configuration`,
          timeout: 30_000,
          reuseExistingServer: false,
          env: { IDP_PORT: String(idp.port), IDP_REDIRECT_URI: `${baseURL}/api/auth/callback/oidc`, NODE_OPTIONS: '' },
        },
        {
          command: 'node e2e/support/smtp-sink.mjs',
          url: `${smtpSink.api}/healthz`,
          timeout: 30_000,
          reuseExistingServer: false,
          env: { SMTP_SINK_PORT: String(smtpSink.port), SMTP_SINK_API_PORT: String(smtpSink.apiPort), NODE_OPTIONS: '' },
        },
        ...appServers(),
      ],
});
