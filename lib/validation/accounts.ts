import { z } from 'zod';
import { ROLES, SIGN_IN_METHODS, TWO_FACTOR_POLICIES } from '@/db/schema';
import { emailField, hasControlOrOverride, newPasswordField } from './fields';

const slugRule = 'AdminValidation.slugRule';
export const slugField = z
  .string({ error: slugRule })
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, slugRule);
export const nameField = z
  .string({ error: 'AdminValidation.nameRequired' })
  .trim()
  .min(1, 'AdminValidation.nameRequired')
  .max(100, 'AdminValidation.nameTooLong')
  .refine((s) => !hasControlOrOverride(s), 'AdminValidation.nameControl');
export const policyField = z.enum(TWO_FACTOR_POLICIES, { error: 'AdminValidation.policy' });

export const newOrganizationSchema = z.object({ slug: slugField, name: nameField, policy: policyField.default('optional') });

export const newUserSchema = z
  .object({
    org: slugField,
    email: emailField,
    name: nameField,
    role: z.enum(ROLES, { error: 'AdminValidation.role' }).default('member'),
    method: z.enum(SIGN_IN_METHODS, { error: 'AdminValidation.method' }),
    password: newPasswordField.optional(),
  })
  .refine((u) => (u.method === 'password') === (u.password !== undefined), {
    message: 'AdminValidation.passwordForMethod',
    path: ['password'],
  });
export type NewUser = z.infer<typeof newUserSchema>;

/** An admin's (or the operator's) invitation: a password user is mailed a link to choose their password. */
export const invitationSchema = z.object({
  email: emailField,
  name: nameField,
  role: z.enum(ROLES, { error: 'AdminValidation.role' }).default('member'),
  method: z.enum(SIGN_IN_METHODS, { error: 'AdminValidation.method' }).default('password'),
});
export type Invitation = z.infer<typeof invitationSchema>;

const graceRule = 'AdminValidation.graceDays';
/** Days of grace before required 2FA must be set up: a whole number 0–30 (0 = at the next sign-in). */
export const graceDaysField = z
  .string({ error: graceRule })
  .trim()
  .regex(/^\d{1,2}$/, graceRule)
  .transform(Number)
  .refine((days) => days <= 30, graceRule);
