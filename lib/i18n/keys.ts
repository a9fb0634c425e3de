/**
 * A message key with values, as one string an action can return in its state: `Auth.locked?%23minutes=5`.
 * lib/i18n/translate.ts reads it back. A number is marked as one (`#` before its name) so that it stays
 * a number (for plurals) while a text stays text, even one made of digits (a slug "007", a key named
 * "2024"). Values are data, never markup.
 */
export function message(key: string, values: Record<string, string | number>): string {
  const query = new URLSearchParams(Object.entries(values).map(([name, value]) => [typeof value === 'number' ? `#${name}` : name, String(value)]));
  return `${key}?${query}`;
}
