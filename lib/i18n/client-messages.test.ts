// Store-independent (message files and sources only): the PostgreSQL unit run skips it (package.json test:unit:pg).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CLIENT_AREAS, clientMessages, type ClientArea } from './client-messages';
import { loadMessages } from './messages';

/** Every .tsx file under app/, with the `Client` namespaces its client components ask for. */
function clientNamespacesBySource(): { file: string; namespaces: string[] }[] {
  const out: { file: string; namespaces: string[] }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.tsx')) {
        const namespaces = [...readFileSync(full, 'utf8').matchAll(/useTranslations\('Client\.([A-Za-z]+)/g)].map((m) => m[1]!);
        if (namespaces.length) out.push({ file: path.relative(process.cwd(), full), namespaces });
      }
    }
  };
  walk(path.join(process.cwd(), 'app'));
  return out;
}

/** The area whose layout passes messages to a file's components: admin pages, profile pages, or anything else. */
function areaOf(file: string): ClientArea {
  if (file.startsWith(path.join('app', '(app)', 'admin'))) return 'admin';
  if (file.startsWith(path.join('app', '(app)', 'profile'))) return 'account';
  return 'public';
}

test('each client component gets its messages where it is used, and no page gets another area’s', () => {
  const sources = clientNamespacesBySource();
  assert.ok(sources.length > 10, 'the scan found the client components');
  for (const { file, namespaces } of sources) {
    const passed = Object.keys(clientMessages(loadMessages('en'), areaOf(file)).Client);
    for (const namespace of namespaces) assert.ok(passed.includes(namespace), `${file} uses Client.${namespace}, which its area (${areaOf(file)}) does not pass`);
  }
  const everyPage = Object.keys(clientMessages(loadMessages('de'), 'public').Client);
  for (const namespace of Object.values(CLIENT_AREAS).flat()) assert.ok(!everyPage.includes(namespace), `Client.${namespace} reaches every page`);
  assert.ok(!Object.keys(clientMessages(loadMessages('en'), 'account').Client).includes('AdminChange'), 'admin wording reaches a member’s profile');
  // Only `Client` leaves the server.
  assert.deepEqual(Object.keys(clientMessages(loadMessages('en'), 'admin')), ['Client']);
});
