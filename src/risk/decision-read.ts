import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { type ApplicantFactsRow, applicantFactsSql } from '../identity/index.ts';
import { notFound } from '../kernel/index.ts';
import { SOURCES_NEEDING_CONSENT, type SourceConsentSql } from './consent.ts';
import type { DataSource } from './sources.ts';

/**
 * Everything a decision reads, in one statement and one round trip: the applicant's facts
 * (identity's fragment), the refused sources (compliance's consent, registered with Risk), the fresh
 * answers in the sources' cache (keyed by the stored hash of the identity number), the three velocity
 * counts and the wallet balance (payments' fragment). Each context's tables are named only by its
 * own fragment. On PostgreSQL the statement is prepared once per connection (src/db/connect.ts names
 * every statement with parameters); its text depends only on which fragments are present and the
 * sources' names, so it is one statement for the process's life.
 */
export interface DecisionRead {
  readonly facts: ApplicantFactsRow;
  /** Sources needing consent that the applicant has not consented to, in the sources' order. */
  readonly refused: readonly string[];
  /** Fresh cached answers by source (none for a refused source, nor for an unverified applicant). */
  readonly cached: ReadonlyMap<string, unknown>;
  readonly velocity: { applications24h: number; deviceApplicants: number; ipApplicants: number };
  readonly walletBalance: bigint;
}

export interface DecisionReadInput {
  readonly applicantId: string;
  readonly device: string | null;
  readonly ip: string | null;
  readonly now: Date;
  readonly sources: readonly DataSource<unknown>[];
  readonly cacheHours?: number;
  readonly consentSql?: SourceConsentSql | undefined;
  readonly walletBalanceSql?: ((userId: string) => RawBuilder<bigint>) | undefined;
}

/**
 * Velocity counts read at most the latest VELOCITY_WINDOW decisions each, through their indexes: a
 * device or address used by thousands of applications (a carrier's shared address, an attack) would
 * otherwise make every decision from it count them all. A rule needs to know that a count is high,
 * not how high, so a full window counts as VELOCITY_WINDOW: one applicant flooding a device cannot
 * hide the others who used it. Simulations are not applications and are not counted.
 */
export const VELOCITY_WINDOW = 1000;

export async function readForDecision(db: Executor, input: DecisionReadInput): Promise<DecisionRead> {
  const { applicantId, now } = input;
  const day = new Date(now.getTime() - 86_400_000);
  const month = new Date(now.getTime() - 30 * 86_400_000);
  const since = new Date(now.getTime() - (input.cacheHours ?? 24) * 3_600_000);
  // Other applicants on this device or address in 30 days. The key is a literal, not a parameter,
  // so that the expression matches its index.
  const sharedBy = (key: 'device' | 'ip', value: string | null) => sql`
    (select case when count(*) >= ${VELOCITY_WINDOW} then ${VELOCITY_WINDOW} else count(distinct applicant_id) end
     from (select applicant_id from risk_decisions
       where ${value}::text is not null and input -> 'application' ->> ${sql.lit(key)} = ${value}
         and created_at > ${month} and applicant_id <> ${applicantId}::uuid and variant <> 'simulation'
       order by input -> 'application' ->> ${sql.lit(key)}, created_at desc limit ${VELOCITY_WINDOW}) s)::int8`;
  const names = input.sources.map((s) => s.name);
  const needing = names.filter((name) => SOURCES_NEEDING_CONSENT.includes(name));
  const consentSql = input.consentSql;
  // Each source needing consent, named when refused; array_remove drops the others' nulls.
  const refused =
    consentSql && needing.length > 0
      ? sql`array_remove(array[${sql.join(
          needing.map(
            (name) => sql`case when ${consentSql(applicantId, name, now)} then null else ${name}::text end`,
          ),
        )}], null)`
      : sql`array[]::text[]`;
  const wallet = input.walletBalanceSql ? input.walletBalanceSql(applicantId) : sql`0::int8`;
  const result = await sql<
    ApplicantFactsRow & {
      refused: string[];
      cached: Record<string, unknown>;
      apps: bigint;
      device: bigint;
      ip: bigint;
      wallet: bigint;
    }
  >`
    select u.*, c.refused,
      (select coalesce(jsonb_object_agg(k.source, k.response), '{}'::jsonb) from risk_source_cache k
        where u.verified and k.subject = u.id_number_hash and k.source = any(${names}::text[])
          and k.source <> all(c.refused) and k.fetched_at > ${since}) as cached,
      (select count(*) from (select 1 from risk_decisions where applicant_id = ${applicantId}::uuid
         and variant <> 'simulation' and created_at > ${day} limit ${VELOCITY_WINDOW}) a)::int8 as apps,
      ${sharedBy('device', input.device)} as device,
      ${sharedBy('ip', input.ip)} as ip,
      ${wallet} as wallet
    from (${applicantFactsSql(applicantId)}) u
    cross join lateral (select ${refused} as refused) c`.execute(db);
  const row = result.rows[0];
  if (!row) throw notFound('user_not_found', 'no such user');
  const { refused: refusedNames, cached, apps, device, ip, wallet: balance, ...facts } = row;
  return {
    facts,
    refused: refusedNames,
    cached: new Map(Object.entries(cached)),
    velocity: { applications24h: Number(apps), deviceApplicants: Number(device), ipApplicants: Number(ip) },
    walletBalance: BigInt(balance),
  };
}
