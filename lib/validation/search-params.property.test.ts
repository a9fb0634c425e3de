// Query strings as anyone may type them: pages read what they can and ignore the rest, never fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SORTS, TWO_FACTOR_STATES } from '@/db/queries/admin-users';
import { anyString, hostileName, hugeString, nonAsciiDigit, numRuns } from '@/lib/testing/arbitraries';
import { isAuditAction } from '@/lib/audit-events';
import { english } from '@/lib/i18n/translate';
import { decodeCursor, encodeCursor, firstValues, messageFor, readAuditFilters, usersPageParams, utcDay, type SearchParams } from './search-params';

fc.configureGlobal({ includeErrorInReport: true });
const RUNS = numRuns(500);

const value = fc.oneof(
  { arbitrary: fc.constantFrom(...TWO_FACTOR_STATES, ...SORTS, 'password', 'sso', 'asc', 'desc', 'last', '2fa.reset', 'sign_in', '42', '0', '-1', '1e400', ''), weight: 4 },
  { arbitrary: anyString, weight: 4 },
  { arbitrary: nonAsciiDigit.map((d) => `1${d}`), weight: 1 },
  { arbitrary: fc.integer().map(String), weight: 1 },
  { arbitrary: hugeString, weight: 1 },
);
const paramValue = fc.oneof({ arbitrary: value, weight: 6 }, { arbitrary: fc.array(value, { maxLength: 3 }), weight: 2 }, { arbitrary: fc.constant(undefined), weight: 1 });
const names = (known: string[]) => fc.oneof({ arbitrary: fc.constantFrom(...known), weight: 4 }, { arbitrary: hostileName, weight: 1 });
/** What Next hands a page as `searchParams`: own properties, a name repeated becomes an array. */
const searchParams = (known: string[]): fc.Arbitrary<SearchParams> =>
  fc.array(fc.tuple(names(known), paramValue), { maxLength: 8 }).map((pairs) => Object.fromEntries(pairs));

const safePositive = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;

test('users page: any query string gives a valid query, and a valid filter is kept', () => {
  fc.assert(
    fc.property(searchParams(['q', 'state', 'method', 'sort', 'dir', 'after', 'before', 'page']), (raw) => {
      const query = usersPageParams.parse(firstValues(raw));
      const given = firstValues(raw);
      assert.ok(query.q === undefined || (query.q === query.q.trim() && [...query.q].length <= 100));
      assert.ok(query.state === undefined || TWO_FACTOR_STATES.includes(query.state));
      assert.ok(query.method === undefined || ['password', 'sso'].includes(query.method));
      assert.ok(SORTS.includes(query.sort));
      assert.ok(['asc', 'desc'].includes(query.dir));
      for (const cursor of [query.after, query.before]) assert.ok(cursor === undefined || [...cursor].length <= 400);
      assert.ok(query.page === undefined || query.page === 'last');
      // What is valid is not thrown away.
      if (TWO_FACTOR_STATES.includes(given.state as never)) assert.equal(query.state, given.state);
      if (SORTS.includes(given.sort as never)) assert.equal(query.sort, given.sort);
      if (given.dir === 'desc') assert.equal(query.dir, 'desc');
    }),
    { numRuns: RUNS },
  );
});

test('users page: any cursor string decodes to nothing or to a sort value and a positive id', () => {
  const jsonish = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.record({ value: fc.oneof(anyString, fc.integer(), fc.constant(null)), id: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(1e300)) }, { requiredKeys: [] }),
  );
  const cursor = fc.oneof(
    anyString,
    fc.base64String(),
    jsonish.map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64url')),
    fc.string({ maxLength: 10 }).map((s) => Buffer.from(s).toString('base64url')),
    fc.constant(Buffer.from('['.repeat(250)).toString('base64url')), // nesting at the length limit
  );
  fc.assert(
    fc.property(cursor, fc.boolean(), (raw, before) => {
      const decoded = decodeCursor(raw, before);
      if (decoded === undefined) return;
      assert.equal(typeof decoded.value, 'string');
      assert.ok([...decoded.value].length <= 300);
      assert.ok(safePositive(decoded.id), String(decoded.id));
      assert.equal(decoded.before, before);
    }),
    { numRuns: RUNS },
  );
});

test('users page: a cursor the page wrote reads back as written', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 100 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.boolean(), (value, id, before) => {
      const encoded = encodeCursor(value, id);
      assert.match(encoded, /^[A-Za-z0-9_-]*$/, 'safe in a URL as it is');
      assert.deepEqual(decodeCursor(encoded, before), { value, id, before });
    }),
    { numRuns: RUNS },
  );
});

test('audit page: any query string gives filters or a message, and a valid one is kept', () => {
  fc.assert(
    fc.property(searchParams(['type', 'user', 'from', 'to', 'before', 'after']), (raw) => {
      const given = firstValues(raw);
      const filters = readAuditFilters(raw);
      assert.ok(filters.type === undefined || isAuditAction(filters.type));
      if (given.type !== undefined && given.type.trim() !== '') assert.ok(filters.type !== undefined || filters.errors.type, 'an unknown type is said so');
      if (given.type !== undefined && isAuditAction(given.type)) assert.equal(filters.type, given.type);
      for (const bound of ['from', 'to'] as const) assert.ok(filters[bound] === undefined || Number.isSafeInteger(filters[bound]));
      if (filters.from !== undefined && filters.to !== undefined && !filters.errors.to) assert.ok(filters.from < filters.to);
      assert.ok(filters.cursor === undefined || safePositive(filters.cursor.id), String(filters.cursor?.id));
      if (given.before !== undefined && /^[0-9]{1,15}$/.test(given.before) && Number(given.before) > 0) assert.deepEqual(filters.cursor, { id: Number(given.before), newer: false });
    }),
    { numRuns: RUNS },
  );
});

test('audit page: dates are UTC days, and only real ones', () => {
  assert.equal(utcDay('2026-12-03'), Date.UTC(2026, 11, 3));
  for (const bad of ['2026-02-31', '2026-13-01', '03/12/2026', '2026-12-3', '', '2026-12-03T00:00']) assert.equal(utcDay(bad), undefined, bad);
  const day = readAuditFilters({ from: '2026-12-03', to: '2026-12-03' });
  assert.deepEqual([day.from, day.to, day.errors], [Date.UTC(2026, 11, 3), Date.UTC(2026, 11, 4), {}]);
  assert.match(english(readAuditFilters({ from: '2026-12-04', to: '2026-12-03' }).errors.to!), /before the “From” date/);
  assert.match(english(readAuditFilters({ from: 'yesterday' }).errors.from!), /as a date/);
  assert.match(english(readAuditFilters({ type: 'no.such_type' }).errors.type!), /from the list/);
});

test('notices in the URL: any code finds one of the table’s messages or nothing', () => {
  const table: Record<string, string> = { expired: 'That sign-in took too long and has expired.', cancelled: 'Sign-in cancelled.' };
  fc.assert(
    fc.property(fc.oneof(hostileName, fc.constantFrom('expired', 'cancelled', '__defineGetter__', 'isPrototypeOf'), fc.anything()), (code) => {
      const message = messageFor(table, code);
      if (typeof code === 'string' && Object.hasOwn(table, code)) return assert.equal(message, table[code]);
      assert.equal(message, undefined, fc.stringify(code));
    }),
    { numRuns: RUNS },
  );
});
