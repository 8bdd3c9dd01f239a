import type { Executor } from '../db/index.ts';
import { type Clock, DomainError } from '../kernel/index.ts';
import { type AuditContext, audit } from './audit.ts';
import { forgiveAttempts, type GuessLimit, InFlightGuesses, takeAttempt } from './guess-limit.ts';
import { verifyPassword } from './passwords.ts';
import type { IdentitySettings } from './settings.ts';

/**
 * Checking the account password, wherever it is asked for: signing in, and confirming who one is
 * before a sensitive change (setting the payment password). Both count towards the one sign-in
 * lockout, or the confirmation would be a way to guess the password with no limit at all.
 */
export type PasswordPurpose = 'sign_in' | 'confirmation';

const ACTIONS: Record<PasswordPurpose, { failed: string; refused: string; message: string }> = {
  sign_in: {
    failed: 'security.sign_in_failed',
    refused: 'security.sign_in_refused_locked',
    message: 'the mobile number or the password is wrong',
  },
  confirmation: {
    failed: 'security.password_confirmation_failed',
    refused: 'security.password_confirmation_refused_locked',
    message: 'the account password is wrong',
  },
};

export function invalidCredentials(purpose: PasswordPurpose): DomainError {
  return new DomainError('invalid_credentials', 'unauthenticated', ACTIONS[purpose].message);
}

/**
 * Checks account passwords within the lockout (see guess-limit.ts): `account_locked` (with the
 * time the lock ends) when no attempt is left, `invalid_credentials` when the password is wrong.
 * The attempt that locks the account writes `security.account_locked`, once a lockout.
 */
export class AccountPasswords {
  private readonly inFlight = new InFlightGuesses();
  private readonly limit: GuessLimit;

  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    settings: IdentitySettings,
  ) {
    this.limit = {
      password: 'account',
      maxFailures: settings.signInMaxFailures,
      lockMinutes: settings.signInLockMinutes,
    };
  }

  check(
    user: { readonly id: string; readonly password_hash: string },
    password: string,
    context: AuditContext,
    purpose: PasswordPurpose,
  ): Promise<void> {
    return this.inFlight.run(purpose, user.id, password, () =>
      this.checkOnce(user, password, context, purpose),
    );
  }

  private async checkOnce(
    user: { readonly id: string; readonly password_hash: string },
    password: string,
    context: AuditContext,
    purpose: PasswordPurpose,
  ): Promise<void> {
    const { db, clock, limit } = this;
    const attempt = await takeAttempt(db, clock, user.id, limit);
    if (!attempt) throw invalidCredentials(purpose);
    const subject = { subjectType: 'user', subjectId: user.id } as const;
    if (!attempt.taken) {
      await audit(db, clock, context, { action: ACTIONS[purpose].refused, ...subject });
      throw new DomainError('account_locked', 'rule', 'too many wrong passwords; try again later', {
        lockedUntil: attempt.lockedUntil.toISOString(),
      });
    }
    if (await verifyPassword(user.password_hash, password)) {
      await forgiveAttempts(db, user.id, limit, attempt);
      return;
    }
    await audit(db, clock, context, {
      action: attempt.lockedUntil ? 'security.account_locked' : ACTIONS[purpose].failed,
      ...subject,
      details: { failures: attempt.number, purpose },
    });
    throw invalidCredentials(purpose);
  }
}
