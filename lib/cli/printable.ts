import { CONTROL_OR_OVERRIDE } from '@/lib/validation/fields';

const EVERY_CONTROL_OR_OVERRIDE = new RegExp(CONTROL_OR_OVERRIDE.source, 'gu');

/** Each control character or override in `text` but those in `layout`, shown as its code (`\x1b`, `\u202e`). */
function shownAsCodes(text: string, layout: string): string {
  return text.replace(EVERY_CONTROL_OR_OVERRIDE, (c) => {
    if (layout.includes(c)) return c;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}

/**
 * Text for the operator's terminal. Stored values reach it in `user:list`, `mail:status` and the like:
 * a user's name (from the admin form or the CLI, or from a restored backup) and an SMTP server's error.
 * A control character there would be obeyed by the terminal (ESC starts an escape sequence that can
 * recolour, move the cursor, retitle the window or hide what follows), and a bidirectional override
 * would reorder what is shown. Each is shown as its code instead (`\x1b`, `\u202e`). Line breaks
 * and tabs stay: they are the output's own layout.
 */
export function printable(text: string): string {
  return shownAsCodes(text, '\t\n');
}

/**
 * One field of a tab-separated line, or one line on stderr: its own tabs and line breaks shown as
 * codes too, so that no value can forge a column or a row; and a backslash doubled, so that every
 * backslash of a field begins a code (`\\`, `\x09`, `\u202e`) and a name typed as "Eve\x1b"
 * cannot pass for one holding an escape character. (printable(), which the whole output goes
 * through afterwards, leaves backslashes alone: a field is not escaped twice.)
 */
export function cell(text: string): string {
  return shownAsCodes(text.replaceAll('\\', '\\\\'), '');
}

/**
 * A field holding JSON text (the audit log's detail): what a terminal acts on written as JSON's own
 * escapes (printableJson), so the field still reads as the same JSON value — its backslashes are
 * JSON's, and doubling them would make it read as another. A raw control character, which JSON text
 * never holds (a row from a tampered backup), is shown as its code.
 */
export function jsonCell(json: string): string {
  return shownAsCodes(printableJson(json), '');
}

/** JSON text with what a terminal acts on beyond C0 (DEL, C1, line and paragraph separators, bidirectional controls) written as \uXXXX escapes: the same JSON value. */
export function printableJson(json: string): string {
  return json.replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
