import { sql } from 'kysely';
import { inTransaction } from '../db/index.ts';
import type { AuditContext } from '../identity/index.ts';
import { invalid, isUuid } from '../kernel/index.ts';
import { TIERS, type Tier } from './settings.ts';
import type { CollectionsContext } from './steps.ts';

export interface Collector {
  readonly userId: string;
  readonly tier: Tier;
  readonly region: string | null;
  readonly active: boolean;
  readonly openCases: number;
}

export async function saveCollector(
  context: CollectionsContext,
  input: { userId: string; tier: Tier; region?: string | null; active?: boolean },
  audit: AuditContext,
): Promise<Collector> {
  if (!TIERS.includes(input.tier)) throw invalid('tier_invalid', `tier is one of ${TIERS.join(', ')}`);
  if (input.region !== undefined && input.region !== null && !/^[0-9]{2}$/.test(input.region))
    throw invalid('region_invalid', 'a region is a two-digit province code, e.g. "11" for Beijing');
  if (!isUuid(input.userId)) throw invalid('user_not_found', 'no such user');
  const profile = await context.identity.users.profile(input.userId, { unmasked: false }).catch(() => null);
  if (!profile?.roles.includes('collector'))
    throw invalid('not_a_collector', 'the user must hold the collector role');
  await inTransaction(context.db, async (trx) => {
    await sql`insert into collectors (user_id, tier, region, active, created_at) values (${input.userId}, ${input.tier}, ${input.region ?? null}, ${input.active ?? true}, ${context.clock.now()})
              on conflict (user_id) do update set tier = excluded.tier, region = excluded.region, active = excluded.active`.execute(
      trx,
    );
    await context.identity.audit(
      audit,
      {
        action: 'collections.collector',
        subjectType: 'user',
        subjectId: input.userId,
        details: { tier: input.tier, region: input.region ?? null },
      },
      trx,
    );
  });
  return (await listCollectors(context)).find((c) => c.userId === input.userId)!;
}

export async function listCollectors(context: CollectionsContext): Promise<Collector[]> {
  const rows = await sql<{
    user_id: string;
    tier: Tier;
    region: string | null;
    active: boolean;
    open_cases: number;
  }>`
    select k.user_id, k.tier, k.region, k.active,
           (select count(*)::int from collection_cases c where c.assigned_to = k.user_id and c.status = 'open') as open_cases
    from collectors k order by k.tier, k.user_id`.execute(context.db);
  return rows.rows.map((r) => ({
    userId: r.user_id,
    tier: r.tier,
    region: r.region,
    active: r.active,
    openCases: r.open_cases,
  }));
}
