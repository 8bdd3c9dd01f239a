import { type RawBuilder, sql } from 'kysely';

/**
 * What a credit decision reads about an applicant, as a SQL subquery for the decision's one read
 * (risk composes it with the sources' cache, the consent and the wallet into one statement): one
 * row, or none for no such user. The personal values stay sealed; Kyc.applicantOf opens them only
 * when asked. `id_number_hash` is the vault's keyed hash of the identity number (Vault.lookupHash),
 * stored at verification: the sources' cache key, without decrypting anything.
 */
export interface ApplicantFactsRow {
  readonly kyc_level: number;
  readonly birth_date: string | null;
  readonly region_code: string | null;
  readonly created_at: Date;
  /** Verified: KYC level 1 or more with the name and identity number on record. */
  readonly verified: boolean;
  readonly id_number_enc: string | null;
  readonly phone_enc: string;
  readonly id_number_hash: string | null;
}

/** `select <ApplicantFactsRow's columns> from users where id = userId`, to be used as a subquery. */
export function applicantFactsSql(userId: string): RawBuilder<ApplicantFactsRow> {
  return sql<ApplicantFactsRow>`select kyc_level, birth_date, region_code, created_at,
      (kyc_level >= 1 and real_name_enc is not null and id_number_enc is not null) as verified,
      id_number_enc, phone_enc, id_number_hash
    from users where id = ${userId}::uuid`;
}

/** An applicant's facts from an ApplicantFactsRow (Kyc.applicantOf). */
export interface ApplicantFacts {
  readonly kycLevel: number;
  readonly age: number | null;
  readonly regionCode: string | null;
  readonly createdAt: Date;
  readonly verified: {
    /** The stored keyed hash of the identity number (null only for rows written without one). */
    readonly idNumberHash: string | null;
    /** The identity number and phone in clear, decrypted on the first call. Never log them. */
    clear(): { readonly idNumber: string; readonly phone: string };
  } | null;
}
