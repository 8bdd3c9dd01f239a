import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';
import type { Vault } from './vault.ts';

/**
 * Read-only facts for anti-money-laundering monitoring: identifiers several accounts share (a bank
 * card, bound now or before; an address sessions came from), and the identity of the customers an
 * alert is about. netfin keeps no postal address, so "address" here is the network address.
 */
export interface SharedIdentifier {
  readonly kind: 'card' | 'device' | 'ip';
  /** A digest of the identifier: the card's keyed hash, or SHA-256 of the address; never the value. */
  readonly key: string;
  readonly userIds: readonly string[];
}

/**
 * Loopback and unspecified addresses are the platform's own proxies and tools, never a customer's:
 * every account would share them.
 */
const NOT_A_CLIENT = ['127.0.0.1', '::1', '::ffff:127.0.0.1', '0.0.0.0', ''];

/** Bank cards bound (now or ever) by at least `minAccounts` accounts. */
export async function sharedCards(db: Executor, minAccounts: number): Promise<SharedIdentifier[]> {
  const rows = await sql<{ card_hash: string; users: string[] }>`
    select card_hash, array_agg(distinct user_id::text order by user_id::text) as users
    from bank_cards group by card_hash having count(distinct user_id) >= ${minAccounts}`.execute(db);
  return rows.rows.map((r) => ({ kind: 'card', key: r.card_hash, userIds: r.users }));
}

/** Client addresses that sessions of at least `minAccounts` accounts came from since `since`. */
export async function sharedAddresses(
  db: Executor,
  minAccounts: number,
  since: Date,
): Promise<SharedIdentifier[]> {
  const rows = await sql<{ ip: string; users: string[] }>`
    select ip, array_agg(distinct user_id::text order by user_id::text) as users
    from sessions
    where ip is not null and not (ip = any(${NOT_A_CLIENT}::text[])) and created_at >= ${since}
    group by ip having count(distinct user_id) >= ${minAccounts}`.execute(db);
  return rows.rows.map((r) => ({
    kind: 'ip',
    key: createHash('sha256').update(r.ip).digest('hex').slice(0, 32),
    userIds: r.users,
  }));
}

/** A customer as a compliance officer and a regulator's report need them: in clear, never logged. */
export interface CustomerIdentity {
  readonly userId: string;
  readonly realName: string | null;
  readonly idNumber: string | null;
  readonly phone: string;
  readonly birthDate: PlainDate | null;
  readonly sex: string | null;
  readonly regionCode: string | null;
  readonly kycLevel: number;
  readonly createdAt: Date;
}

export async function customerIdentities(
  db: Executor,
  vault: Vault,
  userIds: readonly string[],
): Promise<Map<string, CustomerIdentity>> {
  if (userIds.length === 0) return new Map();
  const rows = await sql<{
    id: string;
    real_name_enc: string | null;
    id_number_enc: string | null;
    phone_enc: string;
    birth_date: string | null;
    sex: string | null;
    region_code: string | null;
    kyc_level: number;
    created_at: Date;
  }>`
    select id, real_name_enc, id_number_enc, phone_enc, birth_date::text, sex, region_code, kyc_level, created_at
    from users where id = any(${[...userIds]}::uuid[])`.execute(db);
  return new Map(
    rows.rows.map((r) => [
      r.id,
      {
        userId: r.id,
        realName: r.real_name_enc ? vault.decrypt(r.real_name_enc) : null,
        idNumber: r.id_number_enc ? vault.decrypt(r.id_number_enc) : null,
        phone: vault.decrypt(r.phone_enc),
        birthDate: r.birth_date as PlainDate | null,
        sex: r.sex,
        regionCode: r.region_code,
        kycLevel: Number(r.kyc_level),
        createdAt: r.created_at,
      },
    ]),
  );
}
