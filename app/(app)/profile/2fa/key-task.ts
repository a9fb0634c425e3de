import type { KeyTask, KeyView } from './security-keys';

/** The keys section's task the address asks for (?action=add-key, rename-key or remove-key with &key=ID), when it applies. */
export function keyTask(action: string | null, keyId: string | null, keys: KeyView[], rules: { canAdd: boolean; lastRequired: boolean }): KeyTask {
  if (action === 'add-key') return rules.canAdd ? { kind: 'add' } : null;
  const key = keys.find((k) => k.credentialId === keyId);
  if (!key) return null;
  if (action === 'rename-key') return { kind: 'rename', key };
  if (action === 'remove-key' && !rules.lastRequired) return { kind: 'remove', key };
  return null;
}
