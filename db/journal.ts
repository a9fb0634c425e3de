import { readFileSync } from 'node:fs';
import path from 'node:path';

const lengths = new Map<string, number>();

/** How many migrations a migrations folder holds (drizzle-kit's journal), read once. */
export function journalLength(folder: string): number {
  let n = lengths.get(folder);
  if (n === undefined) {
    n = (JSON.parse(readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;
    lengths.set(folder, n);
  }
  return n;
}
