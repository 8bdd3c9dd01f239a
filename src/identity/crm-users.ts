import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';
import { maskPhone } from './masking.ts';
import type { Vault } from './vault.ts';

/**
 * What crm's channel and campaign figures (issue 20) read of customers: each one's channel of
 * origin, sign-up date and whether their real name is verified. Staff are not customers. Dates are
 * in Asia/Shanghai, as the users dashboard counts them.
 */
export interface CustomerOrigin {
  readonly userId: string;
  readonly channel: string;
  readonly signedUpOn: PlainDate;
  readonly verified: boolean;
}

/** Every customer's origin, or only these customers'. */
export async function customerOrigins(db: Executor, userIds?: readonly string[]): Promise<CustomerOrigin[]> {
  return originsWhere(db, userIds === undefined ? sql`true` : sql`id = any(${[...userIds]}::uuid[])`);
}

/** A page of customers' origins in id order, after `after` (keyset), for readers that walk every customer. */
export async function customerOriginsPage(
  db: Executor,
  after: string | null,
  limit: number,
): Promise<CustomerOrigin[]> {
  return originsWhere(db, sql`(${after}::uuid is null or id > ${after}::uuid) order by id limit ${limit}`);
}

async function originsWhere(db: Executor, where: RawBuilder<unknown>): Promise<CustomerOrigin[]> {
  const rows = await sql<{ id: string; channel: string; signed_up_on: string; verified: boolean }>`
    select id, channel, (created_at at time zone 'Asia/Shanghai')::date::text as signed_up_on,
           kyc_verified_at is not null as verified
    from users
    where not is_staff and ${where}`.execute(db);
  return rows.rows.map((r) => ({
    userId: r.id,
    channel: r.channel,
    signedUpOn: r.signed_up_on as PlainDate,
    verified: r.verified,
  }));
}

/** Users as another customer may see them: the mobile number masked (a referrer's list). */
export async function maskedPhonesOf(
  db: Executor,
  vault: Vault,
  userIds: readonly string[],
): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await sql<{ id: string; phone_enc: string }>`
    select id, phone_enc from users where id = any(${[...userIds]}::uuid[])`.execute(db);
  return new Map(rows.rows.map((r) => [r.id, maskPhone(vault.decrypt(r.phone_enc))]));
}
