import type { Messages } from './messages';

/**
 * The only messages that reach the browser: those of client components (namespace Client). Server
 * components translate on the server; the rest of the catalog never leaves it.
 */
export function clientMessages(messages: Messages): Pick<Messages, 'Client'> {
  return { Client: messages.Client };
}
