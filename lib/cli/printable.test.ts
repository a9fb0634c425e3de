// Store-independent (a pure function): the PostgreSQL unit run skips it (package.json test:unit:pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cell, jsonCell, printable, printableJson } from './printable';

test('control characters and bidirectional overrides are shown as their codes; line breaks, tabs and letters stay', () => {
  assert.equal(printable('Mallory\u001b[2J\u001b]0;pwned\u0007'), 'Mallory\\x1b[2J\\x1b]0;pwned\\x07');
  assert.equal(printable('a\u009bb\u007fc\u0000d\re'), 'a\\x9bb\\x7fc\\x00d\\x0de');
  assert.equal(printable('admin\u202egpj.exe\u2066x\u2069'), 'admin\\u202egpj.exe\\u2066x\\u2069');
  assert.equal(printable('Zoë Ångström\tzoe@example.test\n李雷\t2FA on'), 'Zoë Ångström\tzoe@example.test\n李雷\t2FA on');
});

test('every control and override is covered: C0 but tab and line feed, DEL, C1, the overrides and isolates', () => {
  for (const code of [0x00, 0x0b, 0x0c, 0x1b, 0x1f, 0x7f, 0x80, 0x85, 0x9f]) assert.equal(printable(String.fromCharCode(code)), `\\x${code.toString(16).padStart(2, '0')}`);
  for (const code of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) assert.equal(printable(String.fromCharCode(code)), `\\u${code.toString(16)}`);
});

test('in a field a backslash is shown doubled: no text passes for a code, and the whole output escapes nothing twice', () => {
  assert.equal(cell('Eve\\x1b'), 'Eve\\\\x1b');
  assert.notEqual(cell('Eve\\x1b'), cell('Eve\u001b'));
  assert.equal(cell('C:\\Users\tx'), 'C:\\\\Users\\x09x');
  const line = `${cell('Eve\\x1b')}\t${cell('Eve\u001b')}`;
  assert.equal(printable(line), line);
});

test('a JSON field reads back as the same value: its escapes are JSON’s, not doubled; a raw control shows as its code', () => {
  const value = { name: 'Eve\u001b', typed: 'Eve\\u001b', path: 'C:\\x', c1: 'a\u009bb\u202e' };
  const field = jsonCell(JSON.stringify(value));
  assert.deepEqual(JSON.parse(field), value);
  assert.doesNotMatch(field, /[\u0000-\u001f\u007f-\u009f\u202e]/);
  assert.equal(jsonCell('{"a":"b\tc"}'), '{"a":"b\\x09c"}');
});

test('a field of a tab-separated line shows its own tabs and line breaks as codes', () => {
  assert.equal(cell('Bob\nceo@example.test\tadmin\u001b'), 'Bob\\x0aceo@example.test\\x09admin\\x1b');
});

test('JSON keeps its value: DEL, C1, line separators and overrides become \\u escapes', () => {
  const value = { name: 'a\u007fb\u009bc\u2028d\u202ee\u2066f' };
  const json = printableJson(JSON.stringify(value));
  assert.doesNotMatch(json, /[\u007f-\u009f\u2028\u202e\u2066]/);
  assert.deepEqual(JSON.parse(json), value);
});
