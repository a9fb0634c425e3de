// CSV as RFC 4180 writes it, for exports a spreadsheet opens. A cell a spreadsheet would run as a
// formula (starting with =, +, -, @, or a tab or carriage return that some strip first) is prefixed
// with an apostrophe, as OWASP's "CSV injection" advice has it: the text shows, nothing runs.

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: neutralised when it starts like a formula, quoted (quotes doubled) when it must be. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, CRLF-terminated. */
export function csvRow(cells: readonly (string | number | null | undefined)[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

/**
 * A CSV body pulled as the client reads it: the header (after a byte-order mark, so spreadsheets read
 * names as UTF-8), then one chunk per page of records. The next page is read only once the previous
 * one has gone out, so an export of any size holds one page in memory and lets other requests run.
 */
export function csvStream(header: string, pages: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = pages[Symbol.asyncIterator]();
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode('\uFEFF' + header));
          return;
        }
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      // The client went away: the reading of pages stops.
      async cancel() {
        await iterator.return?.();
      },
    },
    { highWaterMark: 1 },
  );
}

/** The response of an export: a dated attachment, never cached, never sniffed as anything but CSV. */
export function csvAttachment(body: ReadableStream<Uint8Array>, name: string): Response {
  const day = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name}-${day}.csv"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}
