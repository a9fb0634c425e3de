import UAParser from 'ua-parser-js';

/**
 * "Chrome 131 on Linux" from a stored User-Agent string, parsed when shown (the raw string is kept,
 * so a better parser later relabels old sessions). Only the major version: the rest is noise to a person.
 */
export function deviceLabel(userAgent: string | null): string {
  const { browser, os } = new UAParser(userAgent ?? '').getResult();
  if (!browser.name) return 'Unknown browser';
  const name = browser.major ? `${browser.name} ${browser.major}` : browser.name;
  return os.name ? `${name} on ${os.name}` : name;
}
