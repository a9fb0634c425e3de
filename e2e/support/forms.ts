import type { APIRequestContext } from '@playwright/test';
import { actionFields } from '@/lib/testing/forms';

export { actionFields };

/** Loads `path`, then posts its form (the one with `field`) with `values`, as a no-JS browser would. */
export async function postForm(request: APIRequestContext, baseURL: string, path: string, field: string, values: Record<string, string>) {
  const html = await (await request.get(path)).text();
  return request.post(path, { multipart: { ...actionFields(html, field), ...values }, headers: { Origin: baseURL }, maxRedirects: 0 });
}
