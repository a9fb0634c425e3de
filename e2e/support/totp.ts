import * as OTPAuth from 'otpauth';
import { rememberSecret } from './secrets-log';

/** The code an authenticator app shows for `secret` (base32, spaces allowed) at a 30 s time step. */
export function totp(secret: string, step = Math.floor(Date.now() / 30_000)): string {
  const t = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret.replace(/\s+/g, '')), digits: 6, period: 30, algorithm: 'SHA1' });
  const code = t.generate({ timestamp: step * 30_000 });
  rememberSecret(secret.replace(/\s+/g, ''), code);
  return code;
}
