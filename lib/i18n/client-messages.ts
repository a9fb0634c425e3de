import type { Messages } from './messages';

/**
 * Client components' namespaces (under `Client`) that belong to one area of the app: their messages
 * reach the browser only on that area's pages, which its layout passes on (app/_components/
 * client-messages.tsx). Every other `Client` namespace serves pages anyone may see (sign-in, setup).
 */
export const CLIENT_AREAS = {
  account: ['TwoFactor', 'SecurityKeys'],
  admin: ['AdminChange', 'BulkRequire', 'AddUser', 'PolicyForm', 'GraceForm', 'PasskeyForm', 'TrustedBrowsersForm'],
} as const;
export type ClientArea = 'public' | keyof typeof CLIENT_AREAS;

const areaOnly = new Set<string>(Object.values(CLIENT_AREAS).flat());

/**
 * The only messages that reach the browser: those of client components (namespace Client), and of
 * an area's components only on its pages. Server components translate on the server; the rest of the
 * catalog never leaves it.
 */
export function clientMessages(messages: Messages, area: ClientArea = 'public'): Pick<Messages, 'Client'> {
  const own = new Set<string>(area === 'public' ? [] : CLIENT_AREAS[area]);
  const Client = Object.fromEntries(Object.entries(messages.Client).filter(([namespace]) => !areaOnly.has(namespace) || own.has(namespace)));
  return { Client } as Pick<Messages, 'Client'>;
}
