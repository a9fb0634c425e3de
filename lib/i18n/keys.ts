/**
 * A message key with values, as one string an action can return in its state: `Auth.locked?minutes=5`.
 * lib/i18n/translate.ts reads it back (numbers as numbers, for plurals). Values are data, never markup.
 */
export function message(key: string, values: Record<string, string | number>): string {
  const query = new URLSearchParams(Object.entries(values).map(([name, value]) => [name, String(value)]));
  return `${key}?${query}`;
}
