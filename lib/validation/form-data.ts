import { z } from 'zod';

/** What a form shows when its input was refused: one line on top, and a message by each field. */
export interface ValidationFailure {
  error: string;
  fieldErrors: Record<string, string[] | undefined>;
}

/**
 * FormData as a plain object; a repeated field becomes an array so that string fields refuse it.
 * Collected in a Map: fields named `__proto__` or `toString` are fields like any other.
 */
export function formEntries(formData: FormData): Record<string, unknown> {
  const fields = new Map<string, FormDataEntryValue[]>();
  for (const [key, value] of formData.entries()) {
    if (key.startsWith('$ACTION')) continue;
    const values = fields.get(key);
    if (values) values.push(value);
    else fields.set(key, [value]);
  }
  return Object.fromEntries([...fields].map(([key, values]) => [key, values.length === 1 ? values[0] : values]));
}

export const UNREADABLE_FORM = 'Validation.unreadableForm';

/** The line on top of a form whose fields were refused (a message key: lib/i18n). */
export const FIELDS_REFUSED = 'Validation.fieldsRefused';

/** A form's input checked against its schema: the parsed data, or the messages to show. */
export function validate<S extends z.ZodType>(schema: S, formData: unknown): { data: z.infer<S> } | { state: ValidationFailure } {
  // An action is a public endpoint: a forged call can pass any arguments, not only a form.
  if (!(formData instanceof FormData)) return { state: { error: UNREADABLE_FORM, fieldErrors: {} } };
  const parsed = schema.safeParse(formEntries(formData));
  if (parsed.success) return { data: parsed.data };
  const fieldErrors = z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined>;
  return { state: { error: FIELDS_REFUSED, fieldErrors } };
}
