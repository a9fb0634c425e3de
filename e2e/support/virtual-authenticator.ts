import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { CDPSession, Page } from '@playwright/test';

// Chromium's virtual authenticator (DevTools protocol, domain WebAuthn): the browser answers
// navigator.credentials.create()/get() itself, with keys it holds, presence always given.

export type AuthenticatorKind =
  /** A platform authenticator (Touch ID, Windows Hello): passkeys, user verification. */
  | 'platform'
  /** A USB security key without a PIN: no user verification, no discoverable credentials. */
  | 'usb';

export interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  privateKey: string;
  userHandle?: string;
  signCount: number;
}

export class VirtualAuthenticator {
  private constructor(
    private readonly cdp: CDPSession,
    readonly id: string,
  ) {}

  static async attach(page: Page, kind: AuthenticatorKind): Promise<VirtualAuthenticator> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    const platform = kind === 'platform';
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: platform ? 'internal' : 'usb',
        hasResidentKey: platform,
        hasUserVerification: platform,
        isUserVerified: platform,
        automaticPresenceSimulation: true,
      },
    });
    return new VirtualAuthenticator(cdp, authenticatorId);
  }

  /** The credentials it holds (base64 ids, private keys, counters). */
  async credentials(): Promise<VirtualCredential[]> {
    return (await this.cdp.send('WebAuthn.getCredentials', { authenticatorId: this.id })).credentials;
  }

  /** Puts a credential in it, e.g. one whose public key the test stored itself, or one copied from another authenticator. */
  async addCredential(credential: VirtualCredential): Promise<void> {
    await this.cdp.send('WebAuthn.addCredential', { authenticatorId: this.id, credential });
  }

  /** Sets a credential's signature counter (e.g. back, as a cloned key would). */
  async setSignCount(credential: VirtualCredential, signCount: number): Promise<void> {
    await this.cdp.send('WebAuthn.removeCredential', { authenticatorId: this.id, credentialId: credential.credentialId });
    await this.addCredential({ ...credential, signCount });
  }

  /** Whether the user is verified from now on (a wrong PIN, a failed fingerprint). */
  async setUserVerified(isUserVerified: boolean): Promise<void> {
    await this.cdp.send('WebAuthn.setUserVerified', { authenticatorId: this.id, isUserVerified });
  }

  async detach(): Promise<void> {
    await this.cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: this.id });
    await this.cdp.detach();
  }
}

/** A fresh P-256 key pair as the virtual authenticator takes it (PKCS#8, base64) and a random credential id. */
export function newCredentialKeys(): { credentialId: string; privateKey: string; publicKeySpki: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    credentialId: randomBytes(16).toString('base64'),
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicKeySpki: publicKey.export({ format: 'der', type: 'spki' }),
  };
}
