import Database from 'better-sqlite3';
import { percentile } from './http';

/**
 * What `synchronous = FULL` costs per commit on this disk, against NORMAL: the same small write
 * transaction (about a session row's size) in WAL mode, the two settings alternating, on a scratch file.
 */
export function commitCost(file: string, rounds: number): { normal: number; full: number } {
  const sqlite = new Database(file);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.exec('create table commits (id integer primary key, body text not null)');
    const insert = sqlite.prepare('insert into commits (body) values (?)');
    const write = sqlite.transaction(() => insert.run('x'.repeat(200)));
    const times = { NORMAL: [] as number[], FULL: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      for (const mode of ['NORMAL', 'FULL'] as const) {
        sqlite.pragma(`synchronous = ${mode}`);
        const started = performance.now();
        write.immediate();
        times[mode].push(performance.now() - started);
      }
    }
    return { normal: percentile(times.NORMAL, 50), full: percentile(times.FULL, 50) };
  } finally {
    sqlite.close();
  }
}
