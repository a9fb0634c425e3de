import path from 'node:path';

/**
 * How `npm start` runs the HTTP server (and the benchmark, which must measure the same process).
 * `--max-semi-space-size=4`: V8's young generation grows to 3 × 16 MB by default, which a busy
 * server fills between collections; at 4 MB the server's peak RSS measured 183 MB instead of
 * 240 MB under the same requests, with no latency difference the measurement could see (the
 * scavenges are more frequent and shorter).
 * `--heap-growing-percent=100`: after a full collection V8 lets the old generation grow to twice
 * what survived before the next one, instead of up to four times (its default on a machine with
 * this much memory). Measured here, the same build twice on one database, requests alternating:
 * peak RSS 202 MB instead of 321 MB over 600 admin-table pages at 100,000 users, p50 and p95
 * within noise of each other; at 50 the RSS fell further but the incremental marking steps, run on
 * the main thread every few seconds, added about 10 ms to p95. See the README's benchmark section.
 */
export function serverCommand(root: string): string[] {
  return ['--max-semi-space-size=4', '--heap-growing-percent=100', path.join(root, 'lib', 'ops', 'server.mjs')];
}
