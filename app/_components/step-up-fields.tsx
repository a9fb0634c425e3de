'use client';

import type { ActionState } from '@/lib/action';
import { CodeField, RecoveryCodeField } from './code-fields';
import { Field } from './form';

/**
 * The step-up an action checks with checkStepUp: the caller's password, and a code or recovery
 * code when this session has not verified a second factor recently (or the action asked for one).
 */
export function StepUpFields({ needsCode, state, passwordRequired = true }: { needsCode: boolean; state: ActionState; passwordRequired?: boolean }) {
  const errors = state.fieldErrors ?? {};
  const askCode = needsCode || !!errors.code || !!errors.recoveryCode;
  return (
    <>
      <Field name="password" label="Your password" type="password" autoComplete="current-password" required={passwordRequired} errors={errors.password} hint="Confirm it's you." />
      {askCode ? (
        <>
          <CodeField errors={errors.code} required={false} />
          <RecoveryCodeField label="Or a recovery code" errors={errors.recoveryCode} required={false} />
        </>
      ) : null}
    </>
  );
}
