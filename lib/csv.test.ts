import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvAttachment, csvCell, csvRow, csvStream } from './csv';

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

test('csvStream: a byte-order mark and the header, then one page per read, pulled only as the reader asks', async () => {
  let read = 0;
  let stopped = false;
  async function* pages() {
    try {
      for (let i = 0; i < 3; i += 1) {
        read += 1;
        yield csvRow([`=row ${i}`, i]);
      }
    } finally {
      stopped = true;
    }
  }
  const reader = csvStream(csvRow(['a', 'b']), pages()).getReader();
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const first = await reader.read();
  assert.equal(decoder.decode(first.value), '\uFEFFa,b\r\n');
  assert.equal(read, 0, 'no page is read before the header is taken');
  assert.equal(decoder.decode((await reader.read()).value), "'=row 0,0\r\n");
  assert.ok(read <= 2, `one page ahead at most, read ${read}`);
  // The client goes away: the pages stop being read.
  await reader.cancel();
  assert.equal(stopped, true);
  assert.ok(read < 3);

  const whole = await new Response(csvStream('h\r\n', pages())).text();
  assert.equal(whole, "h\r\n'=row 0,0\r\n'=row 1,1\r\n'=row 2,2\r\n", 'Response.text() drops the BOM; the rows follow the header');
});

test('csvAttachment: a dated attachment, never cached or sniffed', () => {
  const response = csvAttachment(csvStream('h\r\n', (async function* () {})()), 'users-acme');
  assert.match(response.headers.get('content-disposition')!, /^attachment; filename="users-acme-\d{4}-\d\d-\d\d\.csv"$/);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.equal(response.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
});
