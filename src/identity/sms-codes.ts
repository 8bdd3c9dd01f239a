import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import { type Clock, DomainError, uuidv7 } from '../kernel/index.ts';
import type { Notifier } from './notifications.ts';
import type { IdentitySettings } from './settings.ts';
import type { Vault } from './vault.ts';

/**
 * One-time SMS codes: 6 digits, valid 5 minutes, 5 tries. A number gets at most one a minute and ten
 * a day; an address (many people may share one behind a carrier's NAT) at most twenty a minute and
 * five hundred a day (all configurable). Only a hash of the code is stored.
 */
export type CodePurpose = 'sign_up' | 'reset_password' | 'bind_card' | 'quick_pay' | 'payment_password';

const TEMPLATES: Record<CodePurpose, (code: string) => string> = {
  sign_up: (c) =>
    `【netfin】注册验证码 ${c}，5分钟内有效，请勿告诉他人。Your netfin sign-up code is ${c}; it expires in 5 minutes.`,
  reset_password: (c) =>
    `【netfin】重置密码验证码 ${c}，5分钟内有效。Your netfin password reset code is ${c}.`,
  bind_card: (c) => `【netfin】绑卡验证码 ${c}，5分钟内有效。Your netfin card binding code is ${c}.`,
  quick_pay: (c) => `【netfin】支付验证码 ${c}，5分钟内有效，请勿泄露。Your netfin payment code is ${c}.`,
  payment_password: (c) => `【netfin】设置支付密码验证码 ${c}。Your netfin payment password code is ${c}.`,
};

function hashCode(code: string): Buffer {
  return createHash('sha256').update(code).digest();
}

export class SmsCodes {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly vault: Vault,
    private readonly notifier: Notifier,
    private readonly settings: IdentitySettings,
  ) {}

  /** Issues a code for `purpose` (and `subject`, e.g. a card id) and queues the SMS. */
  async issue(input: {
    phone: string;
    purpose: CodePurpose;
    subject?: string;
    ip: string | null;
  }): Promise<{ expiresAt: Date }> {
    const phoneHash = this.vault.lookupHash(input.phone);
    const now = this.clock.now();
    const s = this.settings;
    return inTransaction(this.db, async (trx) => {
      // Serialize requests for one number (and one address) so the limits hold under concurrency.
      await sql`select pg_advisory_xact_lock(hashtext(${`sms:${phoneHash}`}))`.execute(trx);
      if (input.ip) await sql`select pg_advisory_xact_lock(hashtext(${`sms-ip:${input.ip}`}))`.execute(trx);
      const wait = await this.waitBeforeNext(trx, phoneHash, input.ip, now);
      if (wait) {
        throw new DomainError(
          wait.code,
          'rate_limited',
          wait.code === 'sms_code_requested_too_often'
            ? `wait ${wait.seconds} seconds before asking for another code`
            : `too many codes; try again in ${formatWait(wait.seconds)}`,
          { retryAfterSeconds: wait.seconds },
        );
      }
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const expiresAt = new Date(now.getTime() + s.smsCodeTtlSeconds * 1000);
      await sql`
        insert into sms_codes (id, phone_hash, purpose, subject, code_hash, expires_at, ip, created_at)
        values (${uuidv7()}, ${phoneHash}, ${input.purpose}, ${input.subject ?? null}, ${hashCode(code).toString('base64url')},
                ${expiresAt}, ${input.ip}, ${now})`.execute(trx);
      await this.notifier.enqueue(trx, {
        channel: 'sms',
        recipient: input.phone,
        template: `code.${input.purpose}`,
        body: TEMPLATES[input.purpose](code),
      });
      return { expiresAt };
    });
  }

  /**
   * Checks a code and consumes it. Runs in its own transaction, so a wrong guess counts even when
   * the caller's operation then fails: call it before opening the caller's transaction.
   */
  /**
   * How long the next code for this number from this address must wait, if it must: each limit is a
   * count over a rolling window, so the wait ends when the code that fills the window ages out of it.
   */
  private async waitBeforeNext(
    trx: Executor,
    phoneHash: string,
    ip: string | null,
    now: Date,
  ): Promise<{
    code: 'sms_code_requested_too_often' | 'sms_code_daily_limit_reached';
    seconds: number;
  } | null> {
    const s = this.settings;
    const MINUTE = 60_000;
    const DAY = 86_400_000;
    // The n-th most recent code (by number or by address) within the window, if there are n.
    const nth = async (by: 'phone' | 'ip', windowMs: number, n: number): Promise<Date | null> => {
      const since = new Date(now.getTime() - windowMs);
      const rows =
        by === 'phone'
          ? await sql<{ created_at: Date }>`
              select created_at from sms_codes where phone_hash = ${phoneHash} and created_at > ${since}
              order by created_at desc offset ${n - 1} limit 1`.execute(trx)
          : await sql<{ created_at: Date }>`
              select created_at from sms_codes where ip = ${ip} and created_at > ${since}
              order by created_at desc offset ${n - 1} limit 1`.execute(trx);
      return rows.rows[0]?.created_at ?? null;
    };
    const until = (at: Date | null, windowMs: number) =>
      at === null ? 0 : Math.max(1, Math.ceil((at.getTime() + windowMs - now.getTime()) / 1000));
    const interval = s.smsIntervalSeconds * 1000;
    const soon = Math.max(
      interval > 0 ? until(await nth('phone', interval, 1), interval) : 0,
      ip ? until(await nth('ip', MINUTE, s.smsPerIpPerMinute), MINUTE) : 0,
    );
    if (soon > 0) return { code: 'sms_code_requested_too_often', seconds: soon };
    const daily = Math.max(
      until(await nth('phone', DAY, s.smsPerNumberPerDay), DAY),
      ip ? until(await nth('ip', DAY, s.smsPerIpPerDay), DAY) : 0,
    );
    return daily > 0 ? { code: 'sms_code_daily_limit_reached', seconds: daily } : null;
  }

  async consume(input: {
    phone: string;
    purpose: CodePurpose;
    subject?: string;
    code: string;
  }): Promise<void> {
    const phoneHash = this.vault.lookupHash(input.phone);
    const now = this.clock.now();
    const outcome = await inTransaction(this.db, async (trx) => {
      const rows = await sql<{ id: string; code_hash: string; attempts: number; expires_at: Date }>`
        select id, code_hash, attempts, expires_at from sms_codes
        where phone_hash = ${phoneHash} and purpose = ${input.purpose} and consumed_at is null
          and subject is not distinct from ${input.subject ?? null}
        order by created_at desc limit 1 for update`.execute(trx);
      const row = rows.rows[0];
      if (!row || row.expires_at <= now) return 'sms_code_expired' as const;
      if (row.attempts >= this.settings.smsMaxAttempts) return 'sms_code_attempts_exceeded' as const;
      const given = hashCode(/^\d{6}$/.test(input.code) ? input.code : '');
      const matches = timingSafeEqual(given, Buffer.from(row.code_hash, 'base64url'));
      if (!matches) {
        await sql`update sms_codes set attempts = attempts + 1 where id = ${row.id}`.execute(trx);
        return row.attempts + 1 >= this.settings.smsMaxAttempts
          ? ('sms_code_attempts_exceeded' as const)
          : ('sms_code_incorrect' as const);
      }
      await sql`update sms_codes set consumed_at = ${now} where id = ${row.id}`.execute(trx);
      return 'ok' as const;
    });
    if (outcome === 'ok') return;
    const messages = {
      sms_code_expired: 'the code has expired or was never sent; ask for a new one',
      sms_code_attempts_exceeded: 'too many wrong codes; ask for a new one',
      sms_code_incorrect: 'the code is incorrect',
    };
    throw new DomainError(outcome, 'rule', messages[outcome]);
  }
}

/** A wait in words: "40 seconds", "12 minutes", "3 hours". */
function formatWait(seconds: number): string {
  if (seconds < 120) return `${seconds} seconds`;
  if (seconds < 7200) return `${Math.ceil(seconds / 60)} minutes`;
  return `${Math.ceil(seconds / 3600)} hours`;
}
