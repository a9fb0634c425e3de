'use client';

import { useEffect, useState } from 'react';
import { useTranslations } from 'next-intl';

/** "Copy key": the key without its spaces (every app accepts it so), offered once JavaScript runs. */
export function CopyKeyButton({ secret }: { secret: string }) {
  const [scripted, setScripted] = useState(false);
  const [copied, setCopied] = useState(false);
  const t = useTranslations('Client.CopyKey');
  // The clipboard needs JavaScript: without it the key is typed or selected as shown.
  // eslint-disable-next-line react-hooks/set-state-in-effect
  useEffect(() => setScripted(true), []);
  return (
    <>
      {scripted ? (
        <button
          type="button"
          className="btn-secondary mt-2"
          onClick={async () => {
            await navigator.clipboard.writeText(secret);
            setCopied(true);
          }}
        >
          {copied ? t('copied') : t('copy')}
        </button>
      ) : null}
      <p aria-live="polite" className="sr-only">
        {copied ? t('announcement') : ''}
      </p>
    </>
  );
}
