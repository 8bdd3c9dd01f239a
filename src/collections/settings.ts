import { sql } from 'kysely';
import { z } from 'zod';
import type { Executor } from '../db/index.ts';
import { type Clock, invalid } from '../kernel/index.ts';

/**
 * How the collections department works, as configuration staff can change: per stage, which tier of
 * collector works it and what happens automatically; reminders before a due date; how cases are
 * assigned; and the conduct rules the system enforces on every contact.
 */
export const STAGES = ['M1', 'M2', 'M3', 'M3+'] as const;
export type Stage = (typeof STAGES)[number];
export const TIERS = ['junior', 'senior', 'agency', 'legal'] as const;
export type Tier = (typeof TIERS)[number];
export const CHANNELS = ['phone', 'sms', 'letter', 'visit'] as const;
export type Channel = (typeof CHANNELS)[number];
export const OUTCOMES = [
  'promise_to_pay',
  'paid',
  'no_answer',
  'wrong_number',
  'refused',
  'dispute',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

const stageStrategy = z.object({
  tier: z.enum(TIERS),
  /** Days past due from which the case appears in its collector's phone queue. */
  phoneFromDay: z.number().int().min(1).max(365),
  /** Days past due on which the system sends the stage's SMS (from an approved template). */
  smsOnDays: z.array(z.number().int().min(1).max(365)).max(10),
});

export const settingsSchema = z.object({
  stages: z.object({ M1: stageStrategy, M2: stageStrategy, M3: stageStrategy, 'M3+': stageStrategy }),
  /** Reminders before a due date, in days (3 and 1: three days and one day before). */
  remindDaysBefore: z.array(z.number().int().min(1).max(30)).max(5),
  assignment: z.enum(['round_robin', 'load', 'region']),
  conduct: z.object({
    /** Local hours in the borrower's time zone: no contact before `earliest` or from `latest` on. */
    earliestHour: z.number().int().min(0).max(23),
    latestHour: z.number().int().min(1).max(24),
    maxContactsPerDay: z.number().int().min(1).max(50),
    timeZone: z.string().min(1),
  }),
  /** Approved SMS templates: {name: text}, with {name}, {amount}, {dueDate}, {dpd} filled in. */
  smsTemplates: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/), z.string().min(1).max(300)),
});
export type CollectionSettings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: CollectionSettings = {
  stages: {
    M1: { tier: 'junior', phoneFromDay: 3, smsOnDays: [1] },
    M2: { tier: 'senior', phoneFromDay: 31, smsOnDays: [31] },
    M3: { tier: 'agency', phoneFromDay: 61, smsOnDays: [61] },
    'M3+': { tier: 'legal', phoneFromDay: 91, smsOnDays: [91] },
  },
  remindDaysBefore: [3, 1],
  assignment: 'round_robin',
  conduct: { earliestHour: 8, latestHour: 21, maxContactsPerDay: 10, timeZone: 'Asia/Shanghai' },
  smsTemplates: {
    reminder: '【netfin】{name}，您的借款本期应还 {amount} 元，将于 {dueDate} 到期，请确保钱包余额充足。',
    overdue: '【netfin】{name}，您的借款已逾期 {dpd} 天，应还 {amount} 元，请尽快还款以免影响信用。',
    promise: '【netfin】{name}，感谢您承诺于 {dueDate} 前还款 {amount} 元，请按时还款。',
  },
};

export function checkSettings(input: unknown): CollectionSettings {
  const parsed = settingsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid('collection_settings_invalid', `${issue.path.join('.') || 'settings'}: ${issue.message}`);
  }
  const s = parsed.data;
  if (s.conduct.earliestHour >= s.conduct.latestHour)
    throw invalid('collection_settings_invalid', 'conduct.earliestHour must be before conduct.latestHour');
  try {
    new Intl.DateTimeFormat('en', { timeZone: s.conduct.timeZone });
  } catch {
    throw invalid('collection_settings_invalid', `conduct.timeZone: unknown time zone ${s.conduct.timeZone}`);
  }
  for (const name of ['reminder', 'overdue'])
    if (!s.smsTemplates[name])
      throw invalid('collection_settings_invalid', `smsTemplates.${name} is required`);
  return s;
}

export async function loadSettings(db: Executor): Promise<CollectionSettings> {
  const rows = await sql<{ settings: CollectionSettings }>`select settings from collection_settings`.execute(
    db,
  );
  return rows.rows[0]?.settings ?? DEFAULT_SETTINGS;
}

export async function saveSettings(db: Executor, clock: Clock, settings: CollectionSettings, by: string) {
  await sql`insert into collection_settings (id, settings, updated_at, updated_by) values (true, ${JSON.stringify(settings)}::jsonb, ${clock.now()}, ${by})
            on conflict (id) do update set settings = excluded.settings, updated_at = excluded.updated_at, updated_by = excluded.updated_by`.execute(
    db,
  );
}

export function fillTemplate(text: string, values: Record<string, string>): string {
  return text.replace(/\{([a-zA-Z]+)\}/g, (whole, key: string) => values[key] ?? whole);
}
