import { request, type Agent, type IncomingHttpHeaders } from 'node:http';
import { actionFields } from '@/lib/testing/forms';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Init {
  method?: string;
  body?: Buffer;
  headers?: Record<string, string>;
  /** Without one, the request has a connection of its own. */
  agent?: Agent;
}

/** One plain HTTP request, nothing retried nor followed: a reset connection rejects with its code. */
export function send(url: string, init: Init = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, agent: init.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** The sign-in form's hidden fields, read once: every post of the password step can reuse them. */
export async function signInFields(baseURL: string): Promise<Record<string, string>> {
  return actionFields((await send(`${baseURL}/login`)).body, 'email');
}

/** The password step as a browser without JavaScript posts it. */
export async function signIn(baseURL: string, fields: Record<string, string>, user: { email: string; password: string }): Promise<Answer> {
  const form = new FormData();
  for (const [name, value] of Object.entries({ ...fields, email: user.email, password: user.password })) form.append(name, value);
  // The Fetch API encodes the multipart body; node:http sends it.
  const encoded = new Request(baseURL, { method: 'POST', body: form });
  const body = Buffer.from(await encoded.arrayBuffer());
  return send(`${baseURL}/login`, { method: 'POST', body, headers: { 'content-type': encoded.headers.get('content-type')!, origin: baseURL } });
}

/** A completed sign-in: the redirect with the session cookie. */
export const signedIn = (answer: Answer) => answer.status === 303 && (answer.headers['set-cookie'] ?? []).some((c) => /^authjs\.session-token=[^;]/.test(c));
