import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { AuditContext, Identity } from '../identity/index.ts';
import { actorId } from '../identity/index.ts';
import { type Clock, CNY, invalid, parseAmount, parseDecimal } from '../kernel/index.ts';
import { RefreshingCache } from './refreshing-cache.ts';

/**
 * Risk settings that staff change without a release: regulatory caps, the income floor, the rate
 * cap, the amount above which a referral needs two officers, and the challenger split. Amounts are
 * decimal strings in yuan, rates decimal strings.
 */
export interface PolicySettings {
  readonly incomeFloor: string;
  readonly platformOutstandingMax: string;
  readonly totalOutstandingMax: string;
  readonly maxAnnualRate: string;
  readonly twoOfficersAbove: string;
}

export interface ChallengerSetting {
  readonly graphId: string;
  /** The share of applicants (0 to 1) the challenger decides for, by a stable hash of the applicant. */
  readonly share: string;
}

export const DEFAULT_POLICY: PolicySettings = {
  incomeFloor: '3000.00',
  platformOutstandingMax: '200000.00',
  totalOutstandingMax: '1000000.00',
  maxAnnualRate: '0.24',
  twoOfficersAbove: '50000.00',
};

export function checkPolicy(policy: PolicySettings): PolicySettings {
  for (const key of [
    'incomeFloor',
    'platformOutstandingMax',
    'totalOutstandingMax',
    'twoOfficersAbove',
  ] as const) {
    if (!parseAmount(policy[key], CNY).ok)
      throw invalid('policy_invalid', `${key} must be an amount in yuan`);
  }
  const rate = parseDecimal(policy.maxAnnualRate);
  if (!rate.ok || rate.value.gt(1))
    throw invalid('policy_invalid', 'maxAnnualRate must be a decimal rate below 1');
  return policy;
}

export class RiskSettings {
  /** Each setting's stored value (undefined: none stored), read at most every two seconds. */
  private readonly cache: RefreshingCache<string, unknown>;

  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly identity: Identity,
    /** The cache's clock in milliseconds (tests move it). */
    now: () => number = Date.now,
  ) {
    this.cache = new RefreshingCache(2000, now);
  }

  private async read<T>(key: string, fallback: T): Promise<T> {
    const value = await this.cache.get(key, async () => {
      const rows = await sql<{ value: unknown }>`select value from risk_settings where key = ${key}`.execute(
        this.db,
      );
      return rows.rows[0]?.value;
    });
    return (value ?? fallback) as T;
  }

  private async write(key: string, value: unknown, context: AuditContext): Promise<void> {
    const before = await this.read<unknown>(key, null);
    await sql`
      insert into risk_settings (key, value, updated_at, updated_by) values (${key}, ${JSON.stringify(value)}::jsonb, ${this.clock.now()}, ${actorId(context.principal)})
      on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`.execute(
      this.db,
    );
    await this.identity.audit(context, {
      action: 'risk.settings_changed',
      subjectType: 'risk_settings',
      subjectId: key,
      before,
      after: value,
    });
    this.cache.delete(key);
  }

  policy(): Promise<PolicySettings> {
    return this.read('policy', DEFAULT_POLICY);
  }

  setPolicy(policy: PolicySettings, context: AuditContext): Promise<void> {
    return this.write('policy', checkPolicy(policy), context);
  }

  challenger(): Promise<ChallengerSetting | null> {
    return this.read<ChallengerSetting | null>('challenger', null);
  }

  setChallenger(value: ChallengerSetting | null, context: AuditContext): Promise<void> {
    return this.write('challenger', value, context);
  }
}
