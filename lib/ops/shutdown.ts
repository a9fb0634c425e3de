// What the HTTP server (lib/ops/server.mjs) and the app share about stopping. Next's bundles load
// their own copy of every module, so the state lives on the global object under registered symbols.

const DRAINING = Symbol.for('deskgate.draining');
const HOOKS = Symbol.for('deskgate.shutdown-hooks');

type Hook = () => Promise<void> | void;
const shared = globalThis as unknown as { [DRAINING]?: boolean; [HOOKS]?: Set<Hook> };

/** True once the server received SIGTERM: /readyz answers 503 so that a balancer stops sending. */
export function isDraining(): boolean {
  return shared[DRAINING] === true;
}

/**
 * Runs `hook` after the requests in flight finished (or the drain time ran out), before the process
 * exits: the hash workers stop, the database closes. Each copy of a module registers its own.
 */
export function onShutdown(hook: Hook): void {
  (shared[HOOKS] ??= new Set()).add(hook);
}
