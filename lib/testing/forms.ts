// Reading the server-action forms a page sends, as a browser without JavaScript would post them.
// Shared by the e2e suite and the benchmark's load driver.

const entities: Record<string, string> = { '&quot;': '"', '&amp;': '&', '&#x27;': "'", '&#39;': "'", '&lt;': '<', '&gt;': '>' };
const decode = (s: string) => s.replace(/&(quot|amp|#x27|#39|lt|gt);/g, (e) => entities[e]!);

/** The hidden fields of the form that holds an input named `field`, or of the form whose id is `field`. */
export function actionFields(html: string, field: string): Record<string, string> {
  const form = (html.match(/<form\b[\s\S]*?<\/form>/g) ?? []).find((f) => f.includes(`name="${field}"`) || /^<form\b[^>]*>/.exec(f)![0].includes(` id="${field}"`));
  if (!form) throw new Error(`no form with a field named ${field}`);
  const fields: Record<string, string> = {};
  for (const [input] of form.matchAll(/<input\b[^>]*>/g)) {
    if (!/type="hidden"/.test(input)) continue;
    const name = /name="([^"]*)"/.exec(input)?.[1];
    if (name) fields[decode(name)] = decode(/value="([^"]*)"/.exec(input)?.[1] ?? '');
  }
  return fields;
}
