'use client';

import { startAuthentication, startRegistration, WebAuthnError } from '@simplewebauthn/browser';
import { useSyncExternalStore } from 'react';

const noSubscription = () => () => {};

/** False in the server's HTML and without JavaScript; true once the page runs in a browser. */
export function useHydrated(): boolean {
  return useSyncExternalStore(noSubscription, () => true, () => false);
}

/**
 * Hands the server's options to the browser (navigator.credentials.create or get) and returns
 * the answer as the JSON string a form posts, or a sentence for a person when there is none.
 */
export async function runCeremony(kind: 'register' | 'authenticate', optionsJSON: string): Promise<{ response: string } | { error: string }> {
  try {
    const options = JSON.parse(optionsJSON);
    const response = kind === 'register' ? await startRegistration({ optionsJSON: options }) : await startAuthentication({ optionsJSON: options });
    return { response: JSON.stringify(response) };
  } catch (error) {
    if (error instanceof WebAuthnError && error.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') return { error: 'This key is already on your account. Use another key.' };
    return { error: 'The security key did not answer, or the request was cancelled or timed out. Try again.' };
  }
}
