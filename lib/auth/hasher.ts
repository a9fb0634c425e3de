import { createRequire } from 'node:module';
import path from 'node:path';

export type HasherName = 'bcrypt' | 'bcryptjs';
interface Bcrypt {
  compareSync(password: string, hash: string): boolean;
  hashSync(password: string, cost: number): string;
}

// "deskgate" hashed by bcryptjs at cost 4: the native module must check bcryptjs's hashes (and so
// every hash stored before it came), or it is not used.
const PROBE = { password: 'deskgate', hash: '$2b$04$7uNC3wQPIgFiPKcH2jLfl.lu9nnAndu.WlVbhT81YnMCuf7SdBn1C' };

/** Resolved from the app's directory, as the hash workers' `require` is (never bundled). */
function load(name: HasherName): Bcrypt {
  return createRequire(path.join(process.cwd(), 'package.json'))(name) as Bcrypt;
}

/**
 * The bcrypt implementation the hash workers load: the native `bcrypt` (C, a prebuilt binary) when
 * wanted and it loads and checks a bcryptjs hash here, else bcryptjs (plain JavaScript, about 1.3×
 * slower at the same cost). Both write `$2b$` hashes at the configured cost and check each
 * other's. `fallback` says why the native one is not used.
 */
export function chooseHasher(wanted: HasherName, loader: (name: HasherName) => Bcrypt = load): { name: HasherName; fallback?: string } {
  if (wanted === 'bcryptjs') return { name: 'bcryptjs' };
  try {
    if (loader('bcrypt').compareSync(PROBE.password, PROBE.hash)) return { name: 'bcrypt' };
    return { name: 'bcryptjs', fallback: 'the native bcrypt module does not check a bcryptjs hash' };
  } catch (error) {
    return { name: 'bcryptjs', fallback: `the native bcrypt module does not load here (${(error as Error).message.split('\n')[0]})` };
  }
}

/** One line for the start-up output and the log: which implementation hashes, and why not the native one. */
export function describeHasher(choice: { name: HasherName; fallback?: string }, cost: number): string {
  const which = choice.name === 'bcrypt' ? 'native bcrypt' : 'bcryptjs';
  return `Password hashing: ${which}, cost ${cost}${choice.fallback ? ` (${choice.fallback}; bcryptjs is used instead)` : ''}`;
}
