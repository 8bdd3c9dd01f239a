import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { type Clock, invalid } from '../../kernel/index.ts';
import type { CustomerClass } from '../classes.ts';

/** The inbox's settings: the ticket categories, SLA minutes per priority, and when a timer warns. */
export interface InboxSettings {
  /** Category codes, the first the default of a new conversation. */
  readonly categories: readonly string[];
  /** Minutes from a ticket's opening to the first answer, per priority (the customer's class). */
  readonly firstResponseMinutes: Readonly<Record<CustomerClass, number>>;
  /** Minutes from a ticket's opening to its resolution, per priority. */
  readonly resolutionMinutes: Readonly<Record<CustomerClass, number>>;
  /** The share of a timer's time after which it warns (0.8: with a fifth left). */
  readonly warningShare: number;
}

export const DEFAULT_INBOX_SETTINGS: InboxSettings = {
  categories: ['general', 'account', 'payments', 'lending', 'wealth', 'complaint'],
  firstResponseMinutes: { A: 15, B: 30, C: 60 },
  resolutionMinutes: { A: 240, B: 480, C: 1440 },
  warningShare: 0.8,
};

const CODE = /^[a-z][a-z0-9_]{0,39}$/;
const MAX_MINUTES = 60 * 24 * 30;

export function checkInboxSettings(input: unknown): InboxSettings {
  const s = input as InboxSettings;
  const bad = (why: string) => invalid('inbox_settings_invalid', why);
  if (!s || typeof s !== 'object') throw bad('settings must be an object');
  if (!Array.isArray(s.categories) || s.categories.length === 0 || s.categories.length > 50)
    throw bad('categories: one to fifty codes');
  if (!s.categories.every((c) => typeof c === 'string' && CODE.test(c)))
    throw bad('categories: lower-case codes');
  if (new Set(s.categories).size !== s.categories.length) throw bad('categories must be unique');
  for (const key of ['firstResponseMinutes', 'resolutionMinutes'] as const)
    for (const p of ['A', 'B', 'C'] as const) {
      const m = s[key]?.[p];
      if (!Number.isInteger(m) || (m as number) < 1 || (m as number) > MAX_MINUTES)
        throw bad(`${key}.${p}: whole minutes from 1 to ${MAX_MINUTES}`);
    }
  for (const p of ['A', 'B', 'C'] as const)
    if (s.resolutionMinutes[p] < s.firstResponseMinutes[p])
      throw bad(`resolutionMinutes.${p} must not be shorter than the first response's`);
  if (typeof s.warningShare !== 'number' || !(s.warningShare > 0 && s.warningShare < 1))
    throw bad('warningShare: between 0 and 1');
  return {
    categories: [...s.categories],
    firstResponseMinutes: {
      A: s.firstResponseMinutes.A,
      B: s.firstResponseMinutes.B,
      C: s.firstResponseMinutes.C,
    },
    resolutionMinutes: { A: s.resolutionMinutes.A, B: s.resolutionMinutes.B, C: s.resolutionMinutes.C },
    warningShare: s.warningShare,
  };
}

export async function loadInboxSettings(db: Executor): Promise<InboxSettings> {
  const rows = await sql<{ settings: InboxSettings }>`select settings from crm_inbox_settings`.execute(db);
  return rows.rows[0]?.settings ?? DEFAULT_INBOX_SETTINGS;
}

export async function saveInboxSettings(db: Executor, clock: Clock, settings: InboxSettings, by: string) {
  await sql`insert into crm_inbox_settings (id, settings, updated_at, updated_by)
            values (true, ${JSON.stringify(settings)}::jsonb, ${clock.now()}, ${by})
            on conflict (id) do update set settings = excluded.settings, updated_at = excluded.updated_at,
              updated_by = excluded.updated_by`.execute(db);
}

export type SlaState = 'running' | 'warning' | 'breached' | 'met' | 'missed';

/**
 * A timer's state at `now`: done in time (met) or late (missed) once it has stopped; while it runs,
 * breached past its due time, warning past the warning share of its time, otherwise running.
 */
export function slaState(
  start: Date,
  due: Date,
  stoppedAt: Date | null,
  now: Date,
  warningShare: number,
): SlaState {
  if (stoppedAt) return stoppedAt.getTime() <= due.getTime() ? 'met' : 'missed';
  if (now.getTime() > due.getTime()) return 'breached';
  const span = due.getTime() - start.getTime();
  return now.getTime() - start.getTime() >= span * warningShare ? 'warning' : 'running';
}
