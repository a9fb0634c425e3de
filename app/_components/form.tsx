'use client';

import { useFormStatus } from 'react-dom';
import { useEffect, useRef, type InputHTMLAttributes, type ReactNode } from 'react';

export function SubmitButton({ children, className = 'btn-primary', name, value }: { children: ReactNode; className?: string; name?: string; value?: string }) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" className={className} disabled={pending} aria-disabled={pending} name={name} value={value}>
      {children}
    </button>
  );
}

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  name: string;
  label: string;
  errors?: string[];
  hint?: ReactNode;
}

/** A labelled input whose hint and errors are tied to it with aria-describedby. */
export function Field({ name, label, errors, hint, id = name, ...input }: FieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors?.length ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {hint ? (
        <p id={hintId} className="text-sm text-slate-600 dark:text-slate-400">
          {hint}
        </p>
      ) : null}
      <input id={id} name={name} className="input" aria-invalid={errorId ? true : undefined} aria-describedby={describedBy} {...input} />
      {errorId ? (
        <p id={errorId} className="text-sm text-red-700 dark:text-red-400">
          {errors!.join(' ')}
        </p>
      ) : null}
    </div>
  );
}

/**
 * The form-level outcome, announced to screen readers when it appears. When an error arrives,
 * focus moves to the first invalid field of the form (or to the message itself).
 */
export function FormMessage({ error, ok }: { error?: string; ok?: string }) {
  const region = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!error || !region.current) return;
    const form = region.current.closest('form');
    const target = form?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? region.current.querySelector<HTMLElement>('[role=alert]');
    target?.focus();
  }, [error]);
  return (
    <div ref={region} aria-live="polite" aria-atomic="true">
      {error ? (
        <p role="alert" tabIndex={-1} className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
          {error}
        </p>
      ) : null}
      {ok ? (
        <p role="status" className="rounded-md border border-green-300 bg-green-50 p-3 text-sm text-green-800 dark:border-green-800 dark:bg-green-950 dark:text-green-200">
          {ok}
        </p>
      ) : null}
    </div>
  );
}
