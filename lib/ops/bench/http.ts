// A small HTTP client for the benchmark: cookies per client, forms posted as a browser without
// JavaScript would. Plain node:http on kept-alive sockets: the client's own cost stays out of the
// figures (fetch and its FormData encoding added about 2 ms to every request on this machine).
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** What the benchmark reads of an answer (the body has arrived in full when it resolves). */
export interface Reply {
  status: number;
  headers: { get(name: string): string | null };
  setCookies: string[];
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

function send(url: URL, method: 'GET' | 'POST', headers: Record<string, string>, body?: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers: { 'accept-encoding': 'gzip', ...headers }, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const raw = Buffer.concat(chunks);
        // Decompressed only when read: what is timed is the server's answer arriving.
        const plain = () => (response.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw);
        resolve({
          status: response.statusCode ?? 0,
          headers: {
            get: (name) => {
              const value = response.headers[name.toLowerCase()];
              return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
            },
          },
          setCookies: response.headers['set-cookie'] ?? [],
          text: async () => plain().toString('utf8'),
          arrayBuffer: async () => {
            const bytes = plain();
            return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
          },
        });
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** A multipart/form-data body, as a browser encodes a form. */
function multipart(fields: Record<string, string>): { body: Buffer; type: string } {
  const boundary = `----deskgate${randomBytes(12).toString('hex')}`;
  const escape = (name: string) => name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const parts = Object.entries(fields).map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${escape(name)}"\r\n\r\n${value}\r\n`);
  return { body: Buffer.from(`${parts.join('')}--${boundary}--\r\n`), type: `multipart/form-data; boundary=${boundary}` };
}

export class Client {
  private cookies = new Map<string, string>();
  private turn = 0;
  /**
   * `instances`: serve `base` from these origins instead, each request to the next one, with the
   * headers a balancer at `base` adds (the instances run with TRUST_PROXY=1 and AUTH_URL = base).
   * The balancer's own work stays out of the figures, as a real one runs elsewhere.
   */
  constructor(
    readonly base: string,
    private readonly instances: string[] = [],
  ) {}

  /** Where this request goes, and the headers a balancer in front would add. */
  private route(path: string): { url: URL; forwarded: Record<string, string> } {
    if (this.instances.length === 0) return { url: new URL(path, this.base), forwarded: {} };
    const instance = this.instances[this.turn++ % this.instances.length]!;
    return { url: new URL(path, instance), forwarded: { 'x-forwarded-host': new URL(this.base).host, 'x-forwarded-proto': 'http', 'x-forwarded-for': '127.0.0.1' } };
  }

  private remember(reply: Reply) {
    for (const line of reply.setCookies) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** A cookie this client holds (e.g. its sign-in challenge), or null. */
  cookie(name: string): string | null {
    return this.cookies.get(name) ?? null;
  }

  private headers(extra: Record<string, string> = {}) {
    return { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...extra };
  }

  async get(path: string): Promise<Reply> {
    const { url, forwarded } = this.route(path);
    const reply = await send(url, 'GET', this.headers(forwarded));
    this.remember(reply);
    return reply;
  }

  async post(path: string, fields: Record<string, string>): Promise<Reply> {
    const { body, type } = multipart(fields);
    const { url, forwarded } = this.route(path);
    const reply = await send(url, 'POST', this.headers({ ...forwarded, origin: this.base, 'content-type': type, 'content-length': String(body.length) }), body);
    this.remember(reply);
    return reply;
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
