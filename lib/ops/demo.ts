import 'server-only';
import { randomBytes } from 'node:crypto';
import { db } from '@/db';
import { organizations } from '@/db/schema';
import { AccountError, createOrganization } from '@/lib/accounts/organizations';
import { createUser } from '@/lib/accounts/users';
import type { NewUser } from '@/lib/validation/accounts';

const operator = { kind: 'operator' } as const;

function randomPassword(): string {
  return randomBytes(12).toString('base64url');
}

/** Seeds Acme (2FA optional) and Globex (2FA required) when the database has no organization. Returns the printed lines. */
export async function seedDemoIfEmpty(): Promise<string[] | null> {
  const [any] = await (await db()).select({ id: organizations.id }).from(organizations).limit(1);
  if (any) return null;
  try {
    await createOrganization({ slug: 'acme', name: 'Acme', policy: 'optional' }, operator);
  } catch (error) {
    // Another instance starting at the same moment on the same database seeds it.
    if (error instanceof AccountError) return null;
    throw error;
  }
  await createOrganization({ slug: 'globex', name: 'Globex', policy: 'required' }, operator);
  const people: Omit<NewUser, 'password'>[] = [
    { org: 'acme', email: 'ada@acme.example', name: 'Ada Admin', role: 'admin', method: 'password' },
    { org: 'acme', email: 'max@acme.example', name: 'Max Member', role: 'member', method: 'password' },
    { org: 'acme', email: 'sam@acme.example', name: 'Sam SSO', role: 'member', method: 'sso' },
    { org: 'globex', email: 'gina@globex.example', name: 'Gina Globex', role: 'member', method: 'password' },
  ];
  const lines: string[] = [];
  for (const person of people) {
    const password = person.method === 'password' ? randomPassword() : undefined;
    await createUser({ ...person, password }, operator);
    lines.push(`  ${person.email.padEnd(22)} ${person.org.padEnd(7)} ${person.role.padEnd(7)} ${password ?? '(SSO: signs in through the identity provider)'}`);
  }
  return lines;
}
