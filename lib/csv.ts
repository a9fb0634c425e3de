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
