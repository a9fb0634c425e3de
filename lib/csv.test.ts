import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvAttachment, csvCell, csvRow, csvStream, refusedCrossSite } from './csv';

test('cells a spreadsheet would run as formulas are prefixed with an apostrophe', () => {
  for (const formula of ['=1+1', '+41 20 123', '-2+3', '@SUM(A1)', '\t=cmd', '\r=cmd']) assert.equal(csvCell(formula).replace(/^"|"$/g, '')[0], "'", formula);
  assert.equal(csvCell('=HYPERLINK("http://evil.example","click")'), `"'=HYPERLINK(""http://evil.example"",""click"")"`);
  assert.equal(csvCell('Ada Admin reset 2FA'), 'Ada Admin reset 2FA');
  assert.equal(csvCell('a=b'), 'a=b', 'only the first character counts');
  assert.equal(csvCell(-3), '-3', 'numbers are values, not text that could be a formula');
});

test('a formula after a semicolon, tab or line break is neutralised too: Excel in European locales splits cells at ";"', () => {
  assert.equal(csvCell("k;=cmd|' /C calc'!A0;"), "k;'=cmd|' /C calc'!A0;");
  assert.equal(csvCell('Max Member added the security key “k; +1”'), 'Max Member added the security key “k; \'+1”');
  assert.equal(csvCell('a\t@SUM(A1)'), "a\t'@SUM(A1)");
  assert.equal(csvCell('x\n-2+3'), `"x\n'-2+3"`);
  assert.equal(csvCell('{"ids":[1,-2]}'), '"{""ids"":[1,-2]}"', 'a comma splits no cell of a quoted field: JSON details stay as they were');
  // Whatever a spreadsheet splits a row at (the separators above, or the comma of RFC 4180), no part starts like a formula.
  const hostile = ["k;=cmd|' /C calc'!A0;", 'Bob;=HYPERLINK("http://evil.example");', 'a\t=1', 'a;\u00a0-1', 'n;@x;+y'];
  for (const value of hostile) {
    for (const part of csvRow([value, value]).trimEnd().split(/[;,\t\r\n]/)) assert.doesNotMatch(part.replace(/^["\s\u00a0]+/, ''), /^[=+\-@]/, `${value}: ${part}`);
  }
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

test('a download another site started is refused; our own page, a typed address and non-browser clients are served', async () => {
  const asked = (site?: string) => refusedCrossSite(new Request('http://localhost/admin/users/export.csv', { headers: site ? { 'sec-fetch-site': site } : {} }));
  for (const site of ['cross-site', 'same-site']) {
    const refused = asked(site);
    assert.equal(refused?.status, 403, site);
    assert.match(await refused!.text(), /own page/);
  }
  for (const site of ['same-origin', 'none', undefined]) assert.equal(asked(site), null, String(site));
});
