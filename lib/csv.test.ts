import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvCell, csvRow } from './csv';

test('cells a spreadsheet would run as formulas are prefixed with an apostrophe', () => {
  for (const formula of ['=1+1', '+41 20 123', '-2+3', '@SUM(A1)', '\t=cmd', '\r=cmd']) assert.equal(csvCell(formula).replace(/^"|"$/g, '')[0], "'", formula);
  assert.equal(csvCell('=HYPERLINK("http://evil.example","click")'), `"'=HYPERLINK(""http://evil.example"",""click"")"`);
  assert.equal(csvCell('Ada Admin reset 2FA'), 'Ada Admin reset 2FA');
  assert.equal(csvCell('a=b'), 'a=b', 'only the first character counts');
  assert.equal(csvCell(-3), '-3', 'numbers are values, not text that could be a formula');
});

test('RFC 4180: quotes doubled, commas and line breaks quoted, CRLF between records', () => {
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('line\nbreak'), '"line\nbreak"');
  assert.equal(csvCell('cr\rhere'), '"cr\rhere"');
  assert.equal(csvCell(null), '');
  assert.equal(csvRow(['a', 'b,c', null, 7]), 'a,"b,c",,7\r\n');
  assert.equal(csvRow(['{"reason":"x"}']), '"{""reason"":""x""}"\r\n');
});
