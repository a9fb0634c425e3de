'use client';

import { useTranslations } from 'next-intl';
import { keyStepUpOptionsAction } from '@/app/(app)/profile/2fa/key-actions';
import type { ActionState } from '@/lib/action';
import { CodeField, RecoveryCodeField } from './code-fields';
import { Field } from './form';
import { KeyAssertionField } from './key-assertion-field';

/** Which second factors the user can step up with (see stepUpFactors). */
export interface StepUpFactors {
  app: boolean;
  keys: boolean;
}

/**
 * The step-up an action checks with checkStepUp: the caller's password, and a code, a security
 * key or a recovery code when this session has not verified a second factor recently (or the
 * action asked for one). The app's code is asked only of a user who has the app.
 */
/** Whether an action's answer asked for the step-up (an error at any of its fields): forms that show the fields only on request. */
export function stepUpAsked(state: ActionState): boolean {
  const errors = state.fieldErrors ?? {};
  return !!(errors.password || errors.code || errors.recoveryCode || errors.webauthnResponse);
}

/** `idPrefix`: for a second set of these fields on one page (ids stay unique). */
export function StepUpFields({ needsCode, state, passwordRequired = true, factors = { app: true, keys: false }, idPrefix = '' }: { needsCode: boolean; state: ActionState; passwordRequired?: boolean; factors?: StepUpFactors; idPrefix?: string }) {
  const errors = state.fieldErrors ?? {};
  const askCode = needsCode || !!errors.code || !!errors.recoveryCode || !!errors.webauthnResponse;
  const t = useTranslations('Client.StepUp');
  return (
    <>
      <Field name="password" id={`${idPrefix}password`} label={t('password')} type="password" autoComplete="current-password" required={passwordRequired} errors={errors.password} hint={t('hint')} />
      {askCode ? <SecondFactorFields factors={factors} errors={errors} idPrefix={idPrefix} /> : null}
    </>
  );
}

/** The second factors a step-up accepts from this user: a key, the app's code, a recovery code. */
export function SecondFactorFields({ factors, errors, idPrefix = '' }: { factors: StepUpFactors; errors: Record<string, string[] | undefined>; idPrefix?: string }) {
  const t = useTranslations('Client.StepUp');
  return (
    <>
      {factors.keys ? <KeyAssertionField options={keyStepUpOptionsAction} errors={errors.webauthnResponse} /> : null}
      {factors.app ? <CodeField label={factors.keys ? t('orAppCode') : undefined} errors={errors.code} required={false} idPrefix={idPrefix} /> : null}
      <RecoveryCodeField label={t('orRecoveryCode')} errors={errors.recoveryCode} required={false} idPrefix={idPrefix} />
    </>
  );
}
