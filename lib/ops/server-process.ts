import path from 'node:path';

/**
 * How `npm start` runs the HTTP server (and the benchmark, which must measure the same process).
 * `--max-semi-space-size=4`: V8's young generation grows to 3 × 16 MB by default, which a busy
 * server fills between collections; at 4 MB the server's peak RSS measured 183 MB instead of
 * 240 MB under the same requests, with no latency difference the measurement could see (the
 * scavenges are more frequent and shorter). See the README's benchmark section for the figures.
 */
export function serverCommand(root: string): string[] {
  return ['--max-semi-space-size=4', path.join(root, 'lib', 'ops', 'server.mjs')];
}
