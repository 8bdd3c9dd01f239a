import { hash, verify } from '@node-rs/argon2';
import { err, ok, type Result } from '../kernel/index.ts';

/**
 * Passwords are hashed with argon2id (OWASP's recommended parameters: 19 MiB, 2 passes). The
 * 6-digit payment password uses the same hash; its own lockout makes guessing it useless.
 */
const OPTIONS = {
  algorithm: 2 /* Algorithm.Argon2id: a const enum the compiler cannot import */,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

// Verifying against this hash when the user does not exist keeps sign-in time the same either way.
let dummy: Promise<string> | undefined;
export async function burnVerification(password: string): Promise<void> {
  dummy ??= hashPassword('netfin-dummy-password-for-timing');
  await verifyPassword(await dummy, password);
}

export function checkPasswordPolicy(password: string): Result<string, 'password_too_weak'> {
  if (password.length < 8 || password.length > 128 || !/[A-Za-z]/.test(password) || !/\d/.test(password)) {
    return err('password_too_weak');
  }
  return ok(password);
}

export function checkPaymentPasswordPolicy(
  password: string,
): Result<string, 'payment_password_malformed' | 'payment_password_too_simple'> {
  if (!/^\d{6}$/.test(password)) return err('payment_password_malformed');
  if (/^(\d)\1{5}$/.test(password) || '0123456789'.includes(password) || '9876543210'.includes(password)) {
    return err('payment_password_too_simple');
  }
  return ok(password);
}
