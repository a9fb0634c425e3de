/**
 * /.well-known/security.txt (RFC 9116), built from the running configuration at each request.
 * Expires: the RFC requires it and recommends less than a year ahead, so that a copy nobody
 * maintains stops being trusted. This text is regenerated from the live settings on every
 * request, so the date only bounds how long a copy someone saved (a crawler, a researcher's
 * notes) stays authoritative after SECURITY_CONTACT changes: 30 days, from the start of the
 * day in UTC, so that the file reads the same all day.
 */
const EXPIRES_AFTER_DAYS = 30;

export interface SecurityTxt {
  status: 200 | 404;
  body: string;
}

function expires(now: Date): string {
  const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(day + EXPIRES_AFTER_DAYS * 86_400_000).toISOString().replace('.000Z', 'Z');
}

/**
 * The file for a contact URI (config's SECURITY_CONTACT, already a mailto:, https: or tel: URI)
 * and the app's public URL. No contact: 404, since RFC 9116 makes Contact required and a file
 * without one is no security.txt; the body says why, for the person who opens it.
 */
export function securityTxt({ contact, authUrl, now }: { contact?: string; authUrl?: string; now: Date }): SecurityTxt {
  if (!contact) {
    return {
      status: 404,
      body: [
        '# This Deskgate deployment has named no security contact, so it publishes no security.txt (RFC 9116 requires a Contact).',
        '# Its operator names one by setting SECURITY_CONTACT (an email address, or an https:, mailto: or tel: URI) and restarting.',
        '',
      ].join('\n'),
    };
  }
  // RFC 9116: the file is served over HTTPS, and a web URI in it must be https; a plain-http AUTH_URL (local use) names no canonical place.
  const canonical = authUrl?.startsWith('https://') ? new URL('/.well-known/security.txt', authUrl).href : undefined;
  const lines = [`Contact: ${contact}`, `Expires: ${expires(now)}`, 'Preferred-Languages: en', ...(canonical ? [`Canonical: ${canonical}`] : [])];
  return { status: 200, body: lines.join('\n') + '\n' };
}
