import 'server-only';
import { z } from 'zod';
import { describeDatabaseError, isTransientDatabaseError } from '@/db/errors';
import { currentSession } from './auth/current';
import type { CurrentSession } from './auth/session';
import { PoolBusyError } from './auth/password';
import { requestLocale } from './i18n/request';
import { localizeState, translatorFor } from './i18n/translate';
import { log } from './log';
import { clientAddress, markActionEntered } from './request';
import { validate } from './validation/form-data';

/** What every server action answers: a form re-renders from it, with JavaScript or without. */
export interface ActionState {
  error?: string;
  fieldErrors?: Record<string, string[] | undefined>;
  ok?: string;
  /** Non-secret values to put back into the form (React resets forms after an action). */
  values?: Record<string, string>;
  /** Fresh recovery codes: shown in this one response, never stored in clear. */
  codes?: string[];
  /** WebAuthn options (JSON) for the browser's navigator.credentials call, which a client component makes. */
  webauthnOptions?: string;
}

export type FormAction = (previous: ActionState, formData: FormData) => Promise<ActionState>;

export const BUSY_MESSAGE = 'Action.busy';
export const DATABASE_MESSAGE = 'Action.database';
const SIGNED_OUT = 'Action.signedOut';

/**
 * Runs an action and answers in the reader's language: the messages of its answer (validation and
 * the handler's) are message keys, translated here for the request's locale (lib/i18n/translate.ts).
 */
async function guarded(run: () => Promise<ActionState>): Promise<ActionState> {
  return localizeState(await answered(run), translatorFor(await requestLocale()));
}

async function answered(run: () => Promise<ActionState>): Promise<ActionState> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof PoolBusyError) return { error: BUSY_MESSAGE };
    // A lost connection, a statement timeout, a deadlock: the transaction rolled back, so a retry is safe.
    if (isTransientDatabaseError(error)) {
      log('database.request_failed', describeDatabaseError(error));
      return { error: DATABASE_MESSAGE };
    }
    throw error;
  }
}

export interface PublicContext {
  ip: string;
}
export interface UserContext extends PublicContext {
  current: CurrentSession;
}

/** An action anyone may call: validated input, a client address, no identity. */
export function publicAction<S extends z.ZodType>(schema: S, handler: (input: z.infer<S>, ctx: PublicContext) => Promise<ActionState>): FormAction {
  return async (_previous, formData) => {
    markActionEntered();
    return guarded(async () => {
      const checked = validate(schema, formData);
      if ('state' in checked) return checked.state;
      return handler(checked.data, { ip: await clientAddress() });
    });
  };
}

/**
 * An action for a signed-in session that `refusal` admits (null: admitted; else the answer's message),
 * in one guard: one translation of the answer, one error handling.
 */
function sessionAction<S extends z.ZodType>(schema: S, handler: (input: z.infer<S>, ctx: UserContext) => Promise<ActionState>, refusal: (current: CurrentSession) => string | null): FormAction {
  return async (_previous, formData) => {
    markActionEntered();
    return guarded(async () => {
      const current = await currentSession();
      if (!current) return { error: SIGNED_OUT };
      const refused = refusal(current);
      if (refused) return { error: refused };
      const checked = validate(schema, formData);
      if ('state' in checked) return checked.state;
      return handler(checked.data, { current, ip: await clientAddress() });
    });
  };
}

/** An action for a signed-in user: identity from the session row, never from the form. */
export function userAction<S extends z.ZodType>(schema: S, handler: (input: z.infer<S>, ctx: UserContext) => Promise<ActionState>): FormAction {
  return sessionAction(schema, handler, () => null);
}

/** An action for an organization admin; targets must still be checked against `current.org.id`. */
export function adminAction<S extends z.ZodType>(schema: S, handler: (input: z.infer<S>, ctx: UserContext) => Promise<ActionState>): FormAction {
  return sessionAction(schema, handler, (current) => (current.user.role === 'admin' ? null : 'Action.adminOnly'));
}
