// A WebAuthn authenticator in software, for tests only: an ES256 key pair (node:crypto), `none`
// attestation, the counter and flags under the test's control. It answers the options the server
// makes as a browser would (clientDataJSON with the origin it is told), so that registration and
// sign-in are verified end to end, signatures included.
import { createHash, createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();
const b64url = (data: Uint8Array) => Buffer.from(data).toString('base64url');

interface AuthenticatorOptions {
  /** Whether it verifies the user (a platform authenticator, a key with a PIN); a plain USB key does not. */
  userVerification?: boolean;
  /** A synced passkey reports 0 forever. */
  counter?: 'increments' | 'zero';
  /** A passkey that is backed up (multi-device). */
  backedUp?: boolean;
}

/** Where the browser says it is: by default the relying party's own origin and RP ID. */
export interface Place {
  origin: string;
  rpId: string;
}

export class SoftwareAuthenticator {
  readonly credentialId = randomBytes(16);
  /** The user handle it stored at registration (a discoverable credential returns it). */
  userHandle: string | null = null;
  counter = 0;
  private readonly keys: { privateKey: KeyObject; publicKey: KeyObject } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  constructor(private readonly options: AuthenticatorOptions = {}) {}

  /** Turns user verification on or off from now on, as setting or removing a key's PIN does. */
  setUserVerification(on: boolean): void {
    this.options.userVerification = on;
  }

  get id(): string {
    return b64url(this.credentialId);
  }

  /** Its private key (PKCS#8, base64), e.g. for Chromium's virtual authenticator to hold the same credential. */
  privateKeyPkcs8(): string {
    return this.keys.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  }

  private coseKey(): Uint8Array {
    const jwk = this.keys.publicKey.export({ format: 'jwk' });
    const cose = new Map<number, number | Uint8Array>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]);
    return isoCBOR.encode(cose);
  }

  private authenticatorData(rpId: string, attested: boolean): Buffer {
    if (this.options.counter !== 'zero') this.counter += 1;
    let flags = FLAG_UP | (this.options.userVerification ? FLAG_UV : 0);
    if (this.options.backedUp) flags |= FLAG_BE | FLAG_BS;
    if (attested) flags |= FLAG_AT;
    const count = Buffer.alloc(4);
    count.writeUInt32BE(this.counter);
    const parts = [sha256(rpId), Buffer.from([flags]), count];
    if (attested) {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(this.credentialId.length);
      parts.push(Buffer.alloc(16), length, this.credentialId, Buffer.from(this.coseKey()));
    }
    return Buffer.concat(parts);
  }

  private clientData(type: string, challenge: string, origin: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** navigator.credentials.create() */
  register(options: PublicKeyCredentialCreationOptionsJSON, place: Place): RegistrationResponseJSON {
    this.userHandle = options.user.id;
    const authData = this.authenticatorData(place.rpId, true);
    const attestationObject = isoCBOR.encode(new Map<string, string | Uint8Array | Map<string, string>>([['fmt', 'none'], ['attStmt', new Map<string, string>()], ['authData', authData]]));
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      clientExtensionResults: {},
      response: { clientDataJSON: b64url(this.clientData('webauthn.create', options.challenge, place.origin)), attestationObject: b64url(attestationObject), transports: ['usb'] },
    };
  }

  /** navigator.credentials.get() */
  authenticate(options: PublicKeyCredentialRequestOptionsJSON, place: Place): AuthenticationResponseJSON {
    const authData = this.authenticatorData(place.rpId, false);
    const clientData = this.clientData('webauthn.get', options.challenge, place.origin);
    const signature = createSign('sha256').update(Buffer.concat([authData, sha256(clientData)])).sign(this.keys.privateKey);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      clientExtensionResults: {},
      response: { clientDataJSON: b64url(clientData), authenticatorData: b64url(authData), signature: b64url(signature), userHandle: this.userHandle ?? undefined },
    };
  }
}
