import type { APIRequestContext } from '@playwright/test';

const entities: Record<string, string> = { '&quot;': '"', '&amp;': '&', '&#x27;': "'", '&#39;': "'", '&lt;': '<', '&gt;': '>' };
const decode = (s: string) => s.replace(/&(quot|amp|#x27|#39|lt|gt);/g, (e) => entities[e]!);

/**
 * The hidden fields of the server-action form that contains an input named `field`, read from the
 * HTML the server sent: what a browser without JavaScript would post.
 */
export function actionFields(html: string, field: string): Record<string, string> {
  const form = (html.match(/<form\b[\s\S]*?<\/form>/g) ?? []).find((f) => f.includes(`name="${field}"`));
  if (!form) throw new Error(`no form with a field named ${field}`);
  const fields: Record<string, string> = {};
  for (const [input] of form.matchAll(/<input\b[^>]*>/g)) {
    if (!/type="hidden"/.test(input)) continue;
    const name = /name="([^"]*)"/.exec(input)?.[1];
    if (name) fields[decode(name)] = decode(/value="([^"]*)"/.exec(input)?.[1] ?? '');
  }
  return fields;
}

/** Loads `path`, then posts its form (the one with `field`) with `values`, as a no-JS browser would. */
export async function postForm(request: APIRequestContext, baseURL: string, path: string, field: string, values: Record<string, string>) {
  const html = await (await request.get(path)).text();
  return request.post(path, { multipart: { ...actionFields(html, field), ...values }, headers: { Origin: baseURL }, maxRedirects: 0 });
}
