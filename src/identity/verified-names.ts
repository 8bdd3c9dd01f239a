import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { Vault } from './vault.ts';

/** A verified customer's name and identity number hash, decrypted for screening (internal use only). */
export interface VerifiedName {
  readonly userId: string;
  readonly realName: string;
  readonly idNumberHash: string | null;
  readonly birthDate: string | null;
}

interface Row {
  id: string;
  real_name_enc: string;
  id_number_hash: string | null;
  birth_date: string | null;
}

const view = (vault: Vault, row: Row): VerifiedName => ({
  userId: row.id,
  realName: vault.decrypt(row.real_name_enc),
  idNumberHash: row.id_number_hash,
  birthDate: row.birth_date,
});

/**
 * Verified customers in id order after `after`, `limit` at a time: one read per chunk, for a
 * re-screen of every verified customer that resumes where it stopped.
 */
export async function verifiedNamesAfter(
  db: Executor,
  vault: Vault,
  after: string | null,
  limit: number,
): Promise<VerifiedName[]> {
  const rows = await sql<Row>`
    select id, real_name_enc, id_number_hash, birth_date::text from users
    where kyc_level >= 1 and real_name_enc is not null
      and ${after === null ? sql`true` : sql`id > ${after}::uuid`}
    order by id limit ${limit}`.execute(db);
  return rows.rows.map((row) => view(vault, row));
}

/** The verified names of these users (those not verified are left out). */
export async function verifiedNamesOf(
  db: Executor,
  vault: Vault,
  userIds: readonly string[],
): Promise<VerifiedName[]> {
  if (userIds.length === 0) return [];
  const rows = await sql<Row>`
    select id, real_name_enc, id_number_hash, birth_date::text from users
    where id = any(${userIds}::uuid[]) and kyc_level >= 1 and real_name_enc is not null`.execute(db);
  return rows.rows.map((row) => view(vault, row));
}
