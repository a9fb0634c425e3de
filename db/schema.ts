import * as postgres from './schema/postgres';
import * as sqlite from './schema/sqlite';
import { store } from './store';

/**
 * The tables of the store this process uses. Query code is written once against PostgreSQL's types
 * (no `.get()`, `.run()`, `.all()`: every query is awaited and returns rows), which SQLite's query
 * builder also runs; what differs between the two dialects lives in ./dialect.ts.
 */
const tables = (store === 'postgres' ? postgres : (sqlite as unknown as typeof postgres)) as typeof postgres;

export const { organizations, users, sessions, loginChallenges, pendingEnrollments, recoveryCodes, throttleHits, throttleLocks, auditEvents, keyChecks, webauthnCredentials, webauthnChallenges, accountTokens, mailOutbox, trustedBrowsers } = tables;
export * from './enums';

export type Organization = typeof postgres.organizations.$inferSelect;
export type User = typeof postgres.users.$inferSelect;
export type Session = typeof postgres.sessions.$inferSelect;
export type LoginChallenge = typeof postgres.loginChallenges.$inferSelect;
export type MailRow = typeof postgres.mailOutbox.$inferSelect;
export type WebAuthnCredentialRow = typeof postgres.webauthnCredentials.$inferSelect;
