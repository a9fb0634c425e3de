// fast-check arbitraries for hostile form input: what a forged request, not a browser, may post.
import fc from 'fast-check';
import { LOCALES } from '@/lib/i18n/locales';
import { isMessageKey, localize, translatorFor } from '@/lib/i18n/translate';

/** Digits that are not ASCII but that `\d`-minded code or Number() might still read as digits. */
export const NON_ASCII_DIGITS = [
  ...'٠١٢٣٤٥٦٧٨٩', // Arabic-Indic
  ...'۰۱۲۳۴۵۶۷۸۹', // Extended Arabic-Indic (Persian)
  ...'०१२३४५६७८९', // Devanagari
  ...'০১২৩৪৫৬৭৮৯', // Bengali
  ...'๐๑๒๓๔๕๖๗๘๙', // Thai
  ...'０１２３４５６７８９', // fullwidth
  ...'𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗', // mathematical bold (outside the BMP)
  ...'¹²³⁴⁵⁶⁷⁸⁹⁰', // superscripts
  ...'①②③',
];

/** Characters that `\s` matches, beyond the plain space. */
export const WHITESPACE = [' ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u1680', '\u2003', '\u2028', '\u202f', '\u3000', '\ufeff'];

/** Letters whose case mapping leaves ASCII or changes length: ı→I, ſ→S, K (Kelvin)→k, ß→SS, ﬀ→FF. */
export const TRICKY_LETTERS = ['ı', 'İ', 'ſ', '\u212a', 'ß', 'ﬀ', 'ǅ', 'é', 'Ω', 'Я'];

export const asciiDigit = fc.constantFrom(...'0123456789');
export const nonAsciiDigit = fc.constantFrom(...NON_ASCII_DIGITS);
export const whitespace = fc.constantFrom(...WHITESPACE);

/** Strings of any code points, lone surrogates included. */
export const anyString = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ maxLength: 40 }));

/** A long string, up to 1 MB (mostly much less, to keep runs fast): a short pattern repeated. */
export const hugeStringUpTo = (max: number) =>
  fc
    .tuple(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }),
      fc.oneof({ arbitrary: fc.integer({ min: 300, max: 5_000 }), weight: 4 }, { arbitrary: fc.integer({ min: 5_000, max }), weight: 1 }),
    )
    .map(([pattern, length]) => pattern.repeat(Math.ceil(length / pattern.length)).slice(0, length));
export const hugeString = hugeStringUpTo(1_000_000);

/** A string made of pieces that validation cares about: digits of every script, spaces, letters, dashes. */
export const codeLikeString = (maxLength = 24) =>
  fc
    .array(
      fc.oneof(
        { arbitrary: asciiDigit, weight: 8 },
        { arbitrary: whitespace, weight: 2 },
        { arbitrary: nonAsciiDigit, weight: 1 },
        { arbitrary: fc.constantFrom(...'-_.:+/Oo0IiLlUu'), weight: 1 },
        { arbitrary: fc.constantFrom(...TRICKY_LETTERS), weight: 1 },
        { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }), weight: 2 },
      ),
      { maxLength },
    )
    .map((parts) => parts.join(''));

/** What FormData can carry: strings of all kinds, and files. */
export const fileValue = fc.oneof(
  fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 })).map(([content, name]) => new File([content], name, { type: 'text/plain' })),
  fc.string({ maxLength: 20 }).map((content) => new Blob([content])),
);

/**
 * A hostile form value: mostly strings of every shape, sometimes huge, sometimes a file.
 * `plausible` values (valid ones for the form at hand) are mixed in so that generated forms
 * get past the first check and reach the later ones.
 */
export const formValue = (plausible: fc.Arbitrary<string> = fc.constant(''), huge = hugeString) =>
  fc.oneof(
    { arbitrary: plausible, weight: 6 },
    { arbitrary: anyString, weight: 3 },
    { arbitrary: codeLikeString(), weight: 2 },
    { arbitrary: fc.constantFrom('', ' ', 'null', 'undefined', 'true', '0', '-1', 'NaN', 'Infinity', '1e309', '0x10', '[]', '{}', '[object Object]'), weight: 1 },
    { arbitrary: fc.double().map(String), weight: 1 },
    { arbitrary: fileValue, weight: 1 },
    { arbitrary: huge, weight: 1 },
  );

/** Names a forged request may add: React's own action fields, prototype names, anything. */
export const hostileName = fc.oneof(
  fc.constantFrom('$ACTION_ID_00c0ffee', '$ACTION_REF_1', '$ACTION_1:0', '$ACTION_1:1', '$ACTION_KEY', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', ''),
  fc.string({ maxLength: 12 }),
);

/** A forged "bound argument" of a server action: JSON of any shape. */
export const boundArgument = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null');

export type Entry = [string, string | Blob];

/**
 * Form entries for a form with these fields: each field absent, present once or repeated, with
 * hostile or plausible values, plus extra fields and forged action ids and bound arguments.
 */
export function formEntriesFor(fields: Record<string, fc.Arbitrary<string>>, huge = hugeString): fc.Arbitrary<Entry[]> {
  const perField = Object.entries(fields).map(([name, plausible]) =>
    fc
      .oneof({ arbitrary: fc.constant(1), weight: 8 }, { arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.integer({ min: 2, max: 3 }), weight: 1 })
      .chain((count) => fc.array(formValue(plausible, huge), { minLength: count, maxLength: count }))
      .map((values) => values.map((value): Entry => [name, value])),
  );
  const extras = fc.array(
    fc.oneof(
      fc.tuple(hostileName, formValue()),
      fc.tuple(fc.constantFrom('$ACTION_1:0', '$ACTION_1:1', '$ACTION_REF_1'), boundArgument),
    ) as fc.Arbitrary<Entry>,
    { maxLength: 3 },
  );
  return fc.tuple(fc.tuple(...perField), extras).chain(([fieldEntries, extra]) => fc.shuffledSubarray([...fieldEntries.flat(), ...extra], { minLength: fieldEntries.flat().length + extra.length }));
}

export function toFormData(entries: Entry[]): FormData {
  const formData = new FormData();
  for (const [name, value] of entries) formData.append(name, value);
  return formData;
}

/** What a person may read: a sentence of ours, not a validator's dump of types and paths. */
export function isReadableMessage(message: unknown): boolean {
  // A message key (lib/i18n): readable when every language has a readable sentence for it (a missing key throws).
  if (typeof message === 'string' && isMessageKey(message)) return LOCALES.every((locale) => isReadableSentence(localize(message, translatorFor(locale))));
  return isReadableSentence(message);
}

function isReadableSentence(message: unknown): boolean {
  return (
    typeof message === 'string' &&
    /^[A-Z“"][\s\S]*[.!?]$/.test(message) &&
    message.length <= 300 &&
    !/^(Invalid|Too (big|small)|Expected)\b|expected .*received|\bundefined\b|\bNaN\b|[{}[\]]|\bat \S+:\d+/.test(message)
  );
}

/** Runs per property: modest by default so that the unit suite stays fast; PROPERTY_RUNS=20000 for a deep search. */
export const numRuns = (runs: number) => Number(process.env.PROPERTY_RUNS) || runs;
