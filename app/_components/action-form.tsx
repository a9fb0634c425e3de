'use client';

import { useActionState, type ReactNode } from 'react';
import type { ActionState, FormAction } from '@/lib/action';
import { FormMessage } from './form';

/** A small form around one server action, showing its outcome; works without JavaScript. */
export function ActionForm({ action, children, className, id }: { action: FormAction; children?: ReactNode; className?: string; id?: string }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, {});
  return (
    <form action={formAction} className={className} id={id}>
      <FormMessage error={state.error} ok={state.ok} />
      {children}
    </form>
  );
}
