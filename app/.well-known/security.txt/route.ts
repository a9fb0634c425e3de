import { config } from '@/lib/config';
import { securityTxt } from '@/lib/security-txt';

// Read at each request: the contact and the date come from the running configuration.
export const dynamic = 'force-dynamic';

/** RFC 9116's file, for anyone, signed in or not: no session is read. */
export function GET(): Response {
  const { securityContact, authUrl } = config();
  const file = securityTxt({ contact: securityContact, authUrl, now: new Date() });
  return new Response(file.body, { status: file.status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}
