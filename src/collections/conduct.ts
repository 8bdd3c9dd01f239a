import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { conflict, dateInZone, invalid, isUuid, type PlainDate, ruleViolation } from '../kernel/index.ts';
import type { CaseRow } from './cases.ts';
import { type CollectionSettings, loadSettings } from './settings.ts';
import type { CollectionsContext } from './steps.ts';

/** The hour (0-23) and date of an instant in a time zone. */
function localTime(instant: Date, timeZone: string): { hour: number; date: PlainDate } {
  const hour = Number(
    new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(instant),
  );
  return { hour, date: dateInZone(instant, timeZone) };
}

/**
 * The conduct rules every collector contact passes (a logged contact and a call alike): the case is
 * open, it is within the allowed hours in the borrower's time zone, the day's limit of contacts with
 * the borrower and their contacts is not reached, and the party is the borrower or a contact they
 * registered. Takes the borrower's lock, so that two contacts at once count one after the other.
 */
export async function checkConduct(
  context: CollectionsContext,
  trx: Executor,
  row: CaseRow,
  party: string,
): Promise<{ settings: CollectionSettings; now: Date; local: { hour: number; date: PlainDate } }> {
  if (row.status !== 'open') throw conflict('case_closed', 'the case is closed');
  const settings: CollectionSettings = await loadSettings(trx);
  const now = context.clock.now();
  const local = localTime(now, settings.conduct.timeZone);
  if (local.hour < settings.conduct.earliestHour || local.hour >= settings.conduct.latestHour)
    throw ruleViolation(
      'outside_contact_hours',
      `contacts are allowed from ${settings.conduct.earliestHour}:00 to ${settings.conduct.latestHour}:00 in the borrower's time zone (${settings.conduct.timeZone}); it is ${local.hour}:00 there`,
    );
  // Every collector contact with this borrower today, whichever of their cases it was logged on.
  await sql`select pg_advisory_xact_lock(hashtext('collections:' || ${row.borrower_id}))`.execute(trx);
  const today = await sql<{ n: number }>`
    select count(*)::int as n from collection_contacts
    where borrower_id = ${row.borrower_id} and business_date = ${local.date} and collector_id is not null`.execute(
    trx,
  );
  if (today.rows[0]!.n >= settings.conduct.maxContactsPerDay)
    throw ruleViolation(
      'contact_limit_reached',
      `at most ${settings.conduct.maxContactsPerDay} contacts a day with a borrower and their contacts`,
    );
  if (
    party !== 'borrower' &&
    !(isUuid(party) && (await context.identity.contacts.isContactOf(row.borrower_id, party, trx)))
  )
    throw invalid('party_not_allowed', 'only the borrower and the contacts they registered may be contacted');
  return { settings, now, local };
}
