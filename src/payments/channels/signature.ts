import { createHmac, timingSafeEqual } from 'node:crypto';

/** The simulated gateway signs each notification: HMAC-SHA256 over "<unix seconds>.<raw body>", hex. */
export function signNotification(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

export function signatureMatches(
  secret: string,
  timestamp: number,
  rawBody: string,
  signature: string,
): boolean {
  const expected = Buffer.from(signNotification(secret, timestamp, rawBody), 'hex');
  const given = Buffer.from(/^[0-9a-f]{64}$/.test(signature) ? signature : '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
