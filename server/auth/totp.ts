import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { openSecret, sealSecret } from './secret-box';

const PURPOSE = 'totp-secret';
const ISSUER = 'Cohost';
/** One step either side of now, for clock drift between the phone and the panel (as Pterodactyl's window of 1). */
const TOLERANCE_SECONDS = 30;

export interface TotpEnrolment {
  readonly secret: string;
  readonly sealed: string;
  readonly uri: string;
  readonly qrDataUrl: string;
}

export async function newTotpEnrolment(appKey: string, label: string): Promise<TotpEnrolment> {
  const secret = generateSecret();
  const uri = generateURI({ issuer: ISSUER, label, secret });
  return { secret, sealed: sealSecret(appKey, PURPOSE, secret), uri, qrDataUrl: await QRCode.toDataURL(uri) };
}

export function openTotpSecret(appKey: string, sealed: string | null): string | null {
  return sealed ? openSecret(appKey, PURPOSE, sealed) : null;
}

/**
 * Checks a 6-digit code at `now`. Returns the matched time step, or null when the code is wrong or its step is not
 * later than `lastStep` (a used step is never accepted twice).
 */
export async function verifyTotp(secret: string, token: string, now: Date, lastStep: number | null): Promise<number | null> {
  if (!/^\d{6}$/.test(token)) return null;
  const result = await verify({
    secret, token, epoch: Math.floor(now.getTime() / 1000), epochTolerance: TOLERANCE_SECONDS,
    ...(lastStep !== null ? { afterTimeStep: lastStep } : {}),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}
