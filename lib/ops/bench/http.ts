// A small HTTP client for the benchmark: cookies per client, forms posted as a browser without JavaScript would.

export class Client {
  private cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  private remember(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private headers(extra: Record<string, string> = {}) {
    return { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...extra };
  }

  async get(path: string): Promise<Response> {
    const response = await fetch(this.base + path, { headers: this.headers(), redirect: 'manual' });
    this.remember(response);
    return response;
  }

  async post(path: string, fields: Record<string, string>): Promise<Response> {
    const body = new FormData();
    for (const [k, v] of Object.entries(fields)) body.append(k, v);
    const response = await fetch(this.base + path, { method: 'POST', body, headers: this.headers({ origin: this.base }), redirect: 'manual' });
    this.remember(response);
    return response;
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
