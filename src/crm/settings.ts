import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { invalid } from '../kernel/index.ts';

/**
 * The CRM's settings, changed by crm:manage: the asset bands a portrait's AUM falls in, and the
 * rules of the ABC classes. Amounts are cents (as strings in JSON, bigint in code).
 */
export interface AumBand {
  /** A short code: shown as is, e.g. "100k_500k". */
  readonly band: string;
  /** The band holds AUM from this amount (cents) up to the next band's. */
  readonly fromMinor: bigint;
}

export interface ClassRules {
  /** A: the top `aTopPercent`% of customers by contribution (with some contribution)… */
  readonly aTopPercent: number;
  /** …or assets of at least this (cents). */
  readonly aAssetsMinor: bigint;
  /** B: the next `bNextPercent`% by contribution. */
  readonly bNextPercent: number;
  /** Contribution is the platform's income from the customer over this many months. */
  readonly windowMonths: number;
}

export const DEFAULT_AUM_BANDS: readonly AumBand[] = [
  { band: 'under_10k', fromMinor: 0n },
  { band: '10k_100k', fromMinor: 1_000_000n },
  { band: '100k_500k', fromMinor: 10_000_000n },
  { band: '500k_1m', fromMinor: 50_000_000n },
  { band: '1m_plus', fromMinor: 100_000_000n },
];

export const DEFAULT_CLASS_RULES: ClassRules = {
  aTopPercent: 5,
  aAssetsMinor: 50_000_000n,
  bNextPercent: 20,
  windowMonths: 12,
};

export function checkBands(bands: readonly AumBand[]): AumBand[] {
  if (bands.length === 0 || bands.length > 20) throw invalid('aum_bands_invalid', 'between 1 and 20 bands');
  if (bands[0]!.fromMinor !== 0n) throw invalid('aum_bands_invalid', 'the first band starts at 0');
  for (let i = 1; i < bands.length; i++)
    if (bands[i]!.fromMinor <= bands[i - 1]!.fromMinor)
      throw invalid('aum_bands_invalid', 'bands are in increasing order of their start');
  if (new Set(bands.map((b) => b.band)).size !== bands.length)
    throw invalid('aum_bands_invalid', 'band codes are distinct');
  return [...bands];
}

export function checkRules(rules: ClassRules): ClassRules {
  if (rules.aTopPercent + rules.bNextPercent > 100)
    throw invalid('class_rules_invalid', 'A and B together are at most 100%');
  return rules;
}

export function bandOf(bands: readonly AumBand[], aum: bigint): string {
  let found = bands[0]!.band;
  for (const b of bands) if (aum >= b.fromMinor) found = b.band;
  return found;
}

export async function readBands(db: Executor): Promise<AumBand[]> {
  const rows = await sql<{ value: { band: string; fromMinor: string }[] }>`
    select value from crm_settings where key = 'aum_bands'`.execute(db);
  const value = rows.rows[0]?.value;
  if (!value) return [...DEFAULT_AUM_BANDS];
  return value.map((b) => ({ band: b.band, fromMinor: BigInt(b.fromMinor) }));
}

export async function readRules(db: Executor): Promise<ClassRules> {
  const rows = await sql<{
    value: { aTopPercent: number; aAssetsMinor: string; bNextPercent: number; windowMonths: number };
  }>`select value from crm_settings where key = 'class_rules'`.execute(db);
  const value = rows.rows[0]?.value;
  if (!value) return DEFAULT_CLASS_RULES;
  return { ...value, aAssetsMinor: BigInt(value.aAssetsMinor) };
}

export async function writeSetting(
  db: Executor,
  key: 'aum_bands' | 'class_rules',
  value: unknown,
  by: string,
  at: Date,
): Promise<void> {
  const text = JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  await sql`
    insert into crm_settings (key, value, updated_by, updated_at) values (${key}, ${text}::jsonb, ${by}, ${at})
    on conflict (key) do update set value = excluded.value, updated_by = excluded.updated_by,
      updated_at = excluded.updated_at`.execute(db);
}
