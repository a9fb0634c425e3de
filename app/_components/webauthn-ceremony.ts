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
 * the answer as the JSON string a form posts, or the key of a message for a person (Client.Ceremony)
 * when there is none: the caller translates it.
 */
export async function runCeremony(kind: 'register' | 'authenticate', optionsJSON: string): Promise<{ response: string } | { error: string }> {
  try {
    const options = JSON.parse(optionsJSON);
    const response = kind === 'register' ? await startRegistration({ optionsJSON: options }) : await startAuthentication({ optionsJSON: options });
    return { response: JSON.stringify(response) };
  } catch (error) {
    if (error instanceof WebAuthnError && error.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') return { error: 'Client.Ceremony.duplicate' };
    return { error: 'Client.Ceremony.noAnswer' };
  }
}
