import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import {
  type Clock,
  conflict,
  DomainError,
  invalid,
  notFound,
  ruleViolation,
  uuidv7,
} from '../kernel/index.ts';
import type { ApplicantFacts, ApplicantFactsRow } from './applicant-facts.ts';
import { type AuditContext, audit } from './audit.ts';
import { identifyCard } from './bank-card.ts';
import { forgiveAttempts, type GuessLimit, InFlightGuesses, takeAttempt } from './guess-limit.ts';
import { ageOn, parseIdCard } from './id-card.ts';
import { maskCardNumber } from './masking.ts';
import { checkPaymentPasswordPolicy, hashPassword, verifyPassword } from './passwords.ts';
import type { CardVerifier, IdentityProvider } from './providers.ts';
import { ADMIN_TOKEN } from './roles.ts';
import type { IdentitySettings } from './settings.ts';
import type { SmsCodes } from './sms-codes.ts';
import { checkPhone, type Users } from './users.ts';
import type { Vault } from './vault.ts';
import type { VerificationHooks } from './verification-hooks.ts';

/**
 * Real-name verification (实名认证), bank card binding (four elements and an SMS code to the
 * card's reserved phone), and the payment password. KYC levels: 0 unverified, 1 real name verified,
 * 2 real name and a bank card verified.
 */
export interface BankCardView {
  readonly id: string;
  readonly bankCode: string;
  readonly maskedNumber: string;
  readonly last4: string;
  readonly status: string;
  readonly isDefault: boolean;
  readonly createdAt: Date;
}

const NAME = /^(?:[\u4e00-\u9fff]{1,20}(?:·[\u4e00-\u9fff]{1,20})*|[A-Za-z][A-Za-z .'-]{1,58}[A-Za-z])$/;

export class Kyc {
  private readonly paymentGuesses = new InFlightGuesses();

  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly vault: Vault,
    private readonly users: Users,
    private readonly codes: SmsCodes,
    private readonly identityProvider: IdentityProvider,
    private readonly cardVerifier: CardVerifier,
    private readonly settings: IdentitySettings,
    private readonly verificationHooks: VerificationHooks,
  ) {}

  async verifyIdentity(userId: string, input: { realName: string; idNumber: string }, context: AuditContext) {
    const realName = input.realName.trim();
    if (!NAME.test(realName)) throw invalid('real_name_malformed', 'write the name as on the identity card');
    const today = this.clock.businessDate();
    const parsed = parseIdCard(input.idNumber, today);
    if (!parsed.ok) throw invalid(parsed.error, 'the identity card number is not valid');
    const user = await this.users.get(userId);
    if (!user) throw notFound('user_not_found', 'no such user');
    if (user.kyc_level >= 1) throw conflict('identity_already_verified', 'this account is already verified');
    const outcome = await this.identityProvider.verifyIdentity(realName, parsed.value.number);
    if (outcome === 'unavailable')
      throw new DomainError(
        'identity_provider_unavailable',
        'unavailable',
        'the verification service is unavailable; try again later',
      );
    if (outcome === 'mismatch') {
      await audit(this.db, this.clock, context, {
        action: 'security.identity_mismatch',
        subjectType: 'user',
        subjectId: userId,
      });
      throw ruleViolation('identity_mismatch', 'the name does not match the identity card number');
    }
    const idHash = this.vault.lookupHash(parsed.value.number);
    return inTransaction(this.db, async (trx) => {
      const updated = await sql`
        update users set kyc_level = 1, real_name_enc = ${this.vault.encrypt(realName)}, id_number_enc = ${this.vault.encrypt(parsed.value.number)},
               id_number_hash = ${idHash}, birth_date = ${parsed.value.birthDate}, sex = ${parsed.value.sex},
               region_code = ${parsed.value.regionCode}, kyc_verified_at = ${this.clock.now()}
        where id = ${userId} and kyc_level = 0 and not exists (select 1 from users other where other.id_number_hash = ${idHash})`.execute(
        trx,
      );
      if (updated.numAffectedRows !== 1n)
        throw conflict('identity_already_registered', 'this identity is already verified on another account');
      // Listeners (watch-list screening) write in this transaction, before the audit, which stays last.
      await this.verificationHooks.fire(trx, {
        userId,
        realName,
        idNumberHash: idHash,
        birthDate: parsed.value.birthDate,
      });
      await audit(trx, this.clock, context, {
        action: 'user.identity_verified',
        subjectType: 'user',
        subjectId: userId,
        after: { kycLevel: 1 },
      });
      return { kycLevel: 1, birthDate: parsed.value.birthDate, age: ageOn(parsed.value.birthDate, today) };
    });
  }

  /** Facts about a verified person that other contexts need (risk: age, region), never the raw numbers. */
  async identityFacts(userId: string): Promise<{
    kycLevel: number;
    birthDate: string | null;
    age: number | null;
    regionCode: string | null;
    sex: string | null;
  }> {
    const rows = await sql<{
      kyc_level: number;
      birth_date: string | null;
      region_code: string | null;
      sex: string | null;
    }>`
      select kyc_level, birth_date, region_code, sex from users where id = ${userId}`.execute(this.db);
    const row = rows.rows[0];
    if (!row) throw notFound('user_not_found', 'no such user');
    const birth = row.birth_date as Parameters<typeof ageOn>[0] | null;
    return {
      kycLevel: row.kyc_level,
      birthDate: row.birth_date,
      age: birth ? ageOn(birth, this.clock.businessDate()) : null,
      regionCode: row.region_code,
      sex: row.sex,
    };
  }

  /**
   * Everything a credit decision needs to know about a person, in one read: KYC level, age, region,
   * account age, and (when verified) the name, identity number and phone in clear for the bureau.
   * Internal use only: never put the clear values into a response or a log.
   */
  async applicantFacts(
    userId: string,
    db: Executor = this.db,
  ): Promise<{
    kycLevel: number;
    age: number | null;
    regionCode: string | null;
    createdAt: Date;
    verified: { realName: string; idNumber: string; phone: string } | null;
  }> {
    const rows = await sql<{
      kyc_level: number;
      birth_date: string | null;
      region_code: string | null;
      created_at: Date;
      real_name_enc: string | null;
      id_number_enc: string | null;
      phone_enc: string;
    }>`
      select kyc_level, birth_date, region_code, created_at, real_name_enc, id_number_enc, phone_enc from users where id = ${userId}`.execute(
      db,
    );
    const user = rows.rows[0];
    if (!user) throw notFound('user_not_found', 'no such user');
    const birth = user.birth_date as Parameters<typeof ageOn>[0] | null;
    const verified =
      user.kyc_level >= 1 && user.real_name_enc && user.id_number_enc
        ? {
            realName: this.vault.decrypt(user.real_name_enc),
            idNumber: this.vault.decrypt(user.id_number_enc),
            phone: this.vault.decrypt(user.phone_enc),
          }
        : null;
    return {
      kycLevel: user.kyc_level,
      age: birth ? ageOn(birth, this.clock.businessDate()) : null,
      regionCode: user.region_code,
      createdAt: user.created_at,
      verified,
    };
  }

  /**
   * The facts of a row read through applicantFactsSql. Nothing is decrypted here: the identity
   * number and phone only when `verified.clear()` is called (a source to ask, on a cache miss), and
   * the name never, since a decision does not use it.
   */
  applicantOf(row: ApplicantFactsRow): ApplicantFacts {
    const birth = row.birth_date as Parameters<typeof ageOn>[0] | null;
    let clear: { idNumber: string; phone: string } | null = null;
    const { vault } = this;
    const idNumberEnc = row.id_number_enc;
    return {
      kycLevel: row.kyc_level,
      age: birth ? ageOn(birth, this.clock.businessDate()) : null,
      regionCode: row.region_code,
      createdAt: row.created_at,
      verified:
        row.verified && idNumberEnc
          ? {
              idNumberHash: row.id_number_hash,
              clear() {
                clear ??= { idNumber: vault.decrypt(idNumberEnc), phone: vault.decrypt(row.phone_enc) };
                return clear;
              },
            }
          : null,
    };
  }

  /**
   * The verified name and identity number, in clear, for the credit bureau and other sources that
   * need them. Internal use only: never put into a response or a log.
   */
  async verifiedIdentity(userId: string): Promise<{ realName: string; idNumber: string } | null> {
    const user = await this.users.get(userId);
    if (!user || user.kyc_level < 1 || !user.real_name_enc || !user.id_number_enc) return null;
    return {
      realName: this.vault.decrypt(user.real_name_enc),
      idNumber: this.vault.decrypt(user.id_number_enc),
    };
  }

  async startCardBinding(
    userId: string,
    input: { cardNumber: string; reservedPhone: string },
    context: AuditContext,
  ): Promise<BankCardView> {
    checkPhone(input.reservedPhone);
    const card = identifyCard(input.cardNumber);
    if (!card.ok) throw invalid(card.error, 'the card number is not valid or its bank is not supported');
    const user = await this.users.get(userId);
    if (!user) throw notFound('user_not_found', 'no such user');
    if (user.kyc_level < 1 || !user.real_name_enc || !user.id_number_enc) {
      throw ruleViolation('identity_not_verified', 'verify your identity before binding a card');
    }
    const outcome = await this.cardVerifier.verifyCard({
      realName: this.vault.decrypt(user.real_name_enc),
      idNumber: this.vault.decrypt(user.id_number_enc),
      cardNumber: card.value.number,
      reservedPhone: input.reservedPhone,
    });
    if (outcome === 'unavailable')
      throw new DomainError(
        'card_verifier_unavailable',
        'unavailable',
        'the bank does not answer; try again later',
      );
    if (outcome === 'mismatch') {
      await audit(this.db, this.clock, context, {
        action: 'security.card_mismatch',
        subjectType: 'user',
        subjectId: userId,
      });
      throw ruleViolation(
        'card_verification_failed',
        'the card, name, identity number and reserved phone do not match the bank’s records',
      );
    }
    const cardHash = this.vault.lookupHash(card.value.number);
    const id = uuidv7();
    const now = this.clock.now();
    const taken = await sql<{
      user_id: string;
    }>`select user_id from bank_cards where card_hash = ${cardHash} and status = 'active'`.execute(this.db);
    if (taken.rows.length > 0)
      throw conflict('card_already_bound', 'this card is already bound to an account');
    await sql`
      insert into bank_cards (id, user_id, card_hash, card_enc, last4, bank_code, reserved_phone_enc, status, created_at)
      values (${id}, ${userId}, ${cardHash}, ${this.vault.encrypt(card.value.number)}, ${card.value.number.slice(-4)},
              ${card.value.bank.code}, ${this.vault.encrypt(input.reservedPhone)}, 'pending_verification', ${now})`.execute(
      this.db,
    );
    await this.codes.issue({ phone: input.reservedPhone, purpose: 'bind_card', subject: id, ip: context.ip });
    return {
      id,
      bankCode: card.value.bank.code,
      maskedNumber: maskCardNumber(card.value.number),
      last4: card.value.number.slice(-4),
      status: 'pending_verification',
      isDefault: false,
      createdAt: now,
    };
  }

  async confirmCardBinding(
    userId: string,
    cardId: string,
    code: string,
    context: AuditContext,
  ): Promise<BankCardView> {
    const card = await this.ownCard(userId, cardId);
    if (card.status !== 'pending_verification')
      throw conflict('card_not_pending', 'this card is not waiting for a code');
    await this.codes.consume({
      phone: this.vault.decrypt(card.reserved_phone_enc),
      purpose: 'bind_card',
      subject: cardId,
      code,
    });
    return inTransaction(this.db, async (trx) => {
      const others = await sql<{
        n: bigint;
      }>`select count(*)::int8 as n from bank_cards where user_id = ${userId} and status = 'active'`.execute(
        trx,
      );
      const isDefault = others.rows[0]!.n === 0n;
      try {
        await sql`update bank_cards set status = 'active', verified_at = ${this.clock.now()}, is_default = ${isDefault} where id = ${cardId}`.execute(
          trx,
        );
      } catch (error) {
        if ((error as { code?: string }).code === '23505')
          throw conflict('card_already_bound', 'this card is already bound to an account');
        throw error;
      }
      await sql`update users set kyc_level = greatest(kyc_level, 2) where id = ${userId}`.execute(trx);
      await audit(trx, this.clock, context, {
        action: 'user.card_bound',
        subjectType: 'bank_card',
        subjectId: cardId,
        after: { bank: card.bank_code, last4: card.last4 },
      });
      return this.view({ ...card, status: 'active', is_default: isDefault });
    });
  }

  async listCards(userId: string): Promise<BankCardView[]> {
    const rows =
      await sql<CardRow>`select * from bank_cards where user_id = ${userId} and status <> 'unbound' order by created_at`.execute(
        this.db,
      );
    return rows.rows.map((row) => this.view(row));
  }

  async unbindCard(userId: string, cardId: string, context: AuditContext): Promise<void> {
    await this.ownCard(userId, cardId);
    await inTransaction(this.db, async (trx) => {
      await sql`update bank_cards set status = 'unbound', is_default = false, unbound_at = ${this.clock.now()} where id = ${cardId}`.execute(
        trx,
      );
      // Another active card becomes the default, if there is one and none is.
      await sql`
        update bank_cards set is_default = true where id = (
          select id from bank_cards where user_id = ${userId} and status = 'active' order by created_at limit 1)
        and not exists (select 1 from bank_cards where user_id = ${userId} and status = 'active' and is_default)`.execute(
        trx,
      );
      await audit(trx, this.clock, context, {
        action: 'user.card_unbound',
        subjectType: 'bank_card',
        subjectId: cardId,
      });
    });
  }

  async setDefaultCard(userId: string, cardId: string): Promise<void> {
    const card = await this.ownCard(userId, cardId);
    if (card.status !== 'active') throw conflict('card_not_active', 'only an active card can be the default');
    await inTransaction(this.db, async (trx) => {
      await sql`update bank_cards set is_default = (id = ${cardId}) where user_id = ${userId} and status = 'active'`.execute(
        trx,
      );
    });
  }

  /** An active card of the user's, for a payment through a channel. */
  async cardForPayment(
    userId: string,
    cardId: string,
  ): Promise<{ id: string; bankCode: string; last4: string; reservedPhone: string }> {
    const card = await this.ownCard(userId, cardId);
    if (card.status !== 'active') throw conflict('card_not_active', 'this card is not active');
    return {
      id: card.id,
      bankCode: card.bank_code,
      last4: card.last4,
      reservedPhone: this.vault.decrypt(card.reserved_phone_enc),
    };
  }

  private async ownCard(userId: string, cardId: string): Promise<CardRow> {
    const rows =
      await sql<CardRow>`select * from bank_cards where id = ${cardId}::uuid and user_id = ${userId} and status <> 'unbound'`.execute(
        this.db,
      );
    // Another user's card is "not found": its existence is none of the caller's business.
    if (!rows.rows[0]) throw notFound('card_not_found', 'no such card');
    return rows.rows[0];
  }

  private view(row: CardRow): BankCardView {
    return {
      id: row.id,
      bankCode: row.bank_code,
      maskedNumber: maskCardNumber(this.vault.decrypt(row.card_enc)),
      last4: row.last4,
      status: row.status,
      isDefault: row.is_default,
      createdAt: row.created_at,
    };
  }

  /** Sets the 6-digit payment password; changing one needs the account password again. */
  async setPaymentPassword(
    userId: string,
    input: { paymentPassword: string; accountPassword: string },
    context: AuditContext,
  ): Promise<void> {
    const policy = checkPaymentPasswordPolicy(input.paymentPassword);
    if (!policy.ok)
      throw invalid(policy.error, 'a payment password is 6 digits, not all the same and not a run');
    await this.users.confirmPassword(userId, input.accountPassword, context);
    const hash = await hashPassword(input.paymentPassword);
    await inTransaction(this.db, async (trx) => {
      await sql`update users set payment_password_hash = ${hash}, payment_failed_attempts = 0, payment_locked_until = null where id = ${userId}`.execute(
        trx,
      );
      await audit(trx, this.clock, context, {
        action: 'security.payment_password_set',
        subjectType: 'user',
        subjectId: userId,
      });
    });
  }

  /**
   * Demo data only: the same 6-digit payment password for many verified customers, hashed once (the
   * demo's crowd shares one, as it shares its account password).
   */
  async setPaymentPasswordsForDemo(userIds: readonly string[], paymentPassword: string): Promise<void> {
    const policy = checkPaymentPasswordPolicy(paymentPassword);
    if (!policy.ok)
      throw invalid(policy.error, 'a payment password is 6 digits, not all the same and not a run');
    const hash = await hashPassword(paymentPassword);
    await inTransaction(this.db, async (trx) => {
      for (const userId of userIds) {
        // Only a first one: this never replaces a payment password someone has set.
        const set = await sql`update users set payment_password_hash = ${hash}
          where id = ${userId} and payment_password_hash is null`.execute(trx);
        if (set.numAffectedRows !== 1n)
          throw conflict('payment_password_already_set', 'the demo sets only a first payment password');
        await audit(
          trx,
          this.clock,
          { principal: ADMIN_TOKEN, ip: null },
          { action: 'demo.payment_password_set', subjectType: 'user', subjectId: userId },
        );
      }
    });
  }

  /**
   * Checks a payment password. After `paymentPasswordMaxFailures` wrong ones in a row it is locked
   * for `paymentPasswordLockMinutes`, however many arrive at once: each guess takes an attempt
   * before it is checked (guess-limit.ts). The guess that reaches the limit and the ones refused
   * unchecked answer `payment_password_locked`; the others say how many attempts are left.
   */
  checkPaymentPassword(userId: string, password: string): Promise<void> {
    return this.paymentGuesses.run('payment', userId, password, () =>
      this.checkPaymentPasswordOnce(userId, password),
    );
  }

  private async checkPaymentPasswordOnce(userId: string, password: string): Promise<void> {
    const rows = await sql<{ payment_password_hash: string | null }>`
      select payment_password_hash from users where id = ${userId}`.execute(this.db);
    const row = rows.rows[0];
    if (!row) throw notFound('user_not_found', 'no such user');
    if (!row.payment_password_hash)
      throw ruleViolation('payment_password_not_set', 'set a payment password first');
    const limit: GuessLimit = {
      password: 'payment',
      maxFailures: this.settings.paymentPasswordMaxFailures,
      lockMinutes: this.settings.paymentPasswordLockMinutes,
    };
    const attempt = await takeAttempt(this.db, this.clock, userId, limit);
    if (!attempt) throw notFound('user_not_found', 'no such user');
    // The guess that used the last attempt says so (attemptsLeft 0); the ones refused unchecked do not.
    const locked = (lockedUntil: Date, details: { attemptsLeft?: number } = {}) =>
      ruleViolation('payment_password_locked', 'too many wrong payment passwords; try again later', {
        lockedUntil: lockedUntil.toISOString(),
        ...details,
      });
    if (!attempt.taken) throw locked(attempt.lockedUntil);
    if (await verifyPassword(row.payment_password_hash, password)) {
      await forgiveAttempts(this.db, userId, limit, attempt);
      return;
    }
    if (attempt.lockedUntil) throw locked(attempt.lockedUntil, { attemptsLeft: 0 });
    throw ruleViolation('payment_password_incorrect', 'the payment password is incorrect', {
      attemptsLeft: limit.maxFailures - attempt.number,
    });
  }
}

interface CardRow {
  id: string;
  user_id: string;
  card_enc: string;
  last4: string;
  bank_code: string;
  reserved_phone_enc: string;
  status: string;
  is_default: boolean;
  created_at: Date;
}
