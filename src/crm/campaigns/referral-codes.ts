import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { Clock } from '../../kernel/index.ts';

/** 31 characters no one misreads: no 0/O, 1/I/L. */
export const REFERRAL_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const REFERRAL_CODE_LENGTH = 8;

export function newReferralCode(): string {
  let code = '';
  for (let i = 0; i < REFERRAL_CODE_LENGTH; i++)
    code += REFERRAL_ALPHABET[randomInt(REFERRAL_ALPHABET.length)];
  return code;
}

/**
 * The user's referral code, made on first need (at sign-up; for older accounts, when first asked).
 * 31^8 ≈ 8.5 × 10^11 codes: a collision is rare, and the unique constraint turns it into another try.
 */
export async function referralCodeOf(db: Executor, clock: Clock, userId: string): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await sql<{ code: string }>`
      select code from crm_referral_codes where user_id = ${userId}`.execute(db);
    if (existing.rows[0]) return existing.rows[0].code;
    const inserted = await sql<{ code: string }>`
      insert into crm_referral_codes (user_id, code, created_at)
      values (${userId}, ${newReferralCode()}, ${clock.now()})
      on conflict do nothing returning code`.execute(db);
    if (inserted.rows[0]) return inserted.rows[0].code;
  }
  throw new Error('no free referral code after 5 tries');
}

export async function userOfReferralCode(db: Executor, code: string): Promise<string | undefined> {
  const rows = await sql<{ user_id: string }>`
    select user_id from crm_referral_codes where code = ${code.toUpperCase()}`.execute(db);
  return rows.rows[0]?.user_id;
}
