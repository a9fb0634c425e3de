'use client';

import { useEffect, useState, type ReactNode } from 'react';
import { useTranslations } from 'next-intl';
import { StepHeading } from './step-heading';

interface Props {
  codes: string[];
  email: string;
  appName: string;
  /** The way on: a form with the "I have saved these codes" box and its button. */
  children: ReactNode;
}

type FileText = (key: 'title' | 'account' | 'generated' | 'once' | 'safe', values?: Record<string, string>) => string;

/** The downloadable file, in the reader's language (`t`: Client.RecoveryCodesFile); the date stays ISO, as file names and logs write it. */
export function recoveryCodesFile(codes: string[], email: string, appName: string, t: FileText, date = new Date()): string {
  return [t('title', { appName }), t('account', { email }), t('generated', { date: date.toISOString().slice(0, 10) }), '', ...codes, '', t('once'), t('safe'), ''].join('\n');
}

/** Step 4: the codes, shown once, with download (works without JavaScript), copy and print. */
export function RecoveryCodes({ codes, email, appName, children }: Props) {
  const [scripted, setScripted] = useState(false);
  const [copied, setCopied] = useState(false);
  const t = useTranslations('Client.RecoveryCodes');
  const fileText = useTranslations('Client.RecoveryCodesFile');
  // Copy and print need JavaScript: offer them only once it runs.
  // eslint-disable-next-line react-hooks/set-state-in-effect
  useEffect(() => setScripted(true), []);
  const file = recoveryCodesFile(codes, email, appName, fileText);
  return (
    <section aria-labelledby="recovery-codes-heading" className="space-y-4">
      <StepHeading id="recovery-codes-heading" className="text-xl font-semibold">
        {t('heading')}
      </StepHeading>
      <p>{t.rich('intro', { strong: (chunks) => <strong>{chunks}</strong> })}</p>
      <ol aria-label={t('list')} className="grid grid-cols-1 gap-2 rounded-md border border-slate-300 bg-slate-50 p-4 font-mono text-lg sm:grid-cols-2 dark:border-slate-700 dark:bg-slate-950" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ol>
      <div className="flex flex-wrap gap-3">
        <a className="btn-secondary no-underline" href={`data:text/plain;charset=utf-8,${encodeURIComponent(file)}`} download="recovery-codes.txt">
          {t('download')}
        </a>
        {scripted ? (
          <>
            <button
              type="button"
              className="btn-secondary"
              onClick={async () => {
                await navigator.clipboard.writeText(codes.join('\n'));
                setCopied(true);
              }}
            >
              {copied ? t('copied') : t('copy')}
            </button>
            <button type="button" className="btn-secondary" onClick={() => window.print()}>
              {t('print')}
            </button>
          </>
        ) : null}
      </div>
      <p aria-live="polite" className="sr-only">
        {copied ? t('announcement') : ''}
      </p>
      {children}
    </section>
  );
}

/** "I have saved these codes": a required box, so the button needs no JavaScript to insist. */
export function SavedCodesCheckbox() {
  const t = useTranslations('Client.RecoveryCodes');
  return (
    <label className="flex items-center gap-2">
      <input type="checkbox" name="saved" value="yes" required className="h-5 w-5" />
      {t('saved')}
    </label>
  );
}
