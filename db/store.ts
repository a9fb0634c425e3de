/** Which store a DATABASE_URL names: `postgres://` or `postgresql://` is PostgreSQL; anything else (a `file:` URL, a path, nothing) SQLite. */
export type Store = 'sqlite' | 'postgres';

export function storeFor(url: string | undefined): Store {
  return /^postgres(ql)?:\/\//i.test(url ?? '') ? 'postgres' : 'sqlite';
}

/** The store this process uses. */
export const store: Store = storeFor(process.env.DATABASE_URL);
