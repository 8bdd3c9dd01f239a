import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import {
  conflict,
  dateInZone,
  invalid,
  isUuid,
  notFound,
  type PlainDate,
  ruleViolation,
} from '../kernel/index.ts';
import type { CaseRow } from './cases.ts';
import { type Channel, type CollectionSettings, loadSettings } from './settings.ts';
import type { CollectionsContext } from './steps.ts';

/** The hour (0-23) and date of an instant in a time zone. */
function localTime(instant: Date, timeZone: string): { hour: number; date: PlainDate } {
  const hour = Number(
    new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(instant),
  );
  return { hour, date: dateInZone(instant, timeZone) };
}

/** The case is open; the settings, and the instant with its hour and date in the borrower's time zone. */
async function openCaseNow(context: CollectionsContext, trx: Executor, row: CaseRow): Promise<ConductClock> {
  if (row.status !== 'open') throw conflict('case_closed', 'the case is closed');
  const settings: CollectionSettings = await loadSettings(trx);
  const now = context.clock.now();
  return { settings, now, local: localTime(now, settings.conduct.timeZone) };
}

/** Today in the borrower's time zone: the date contacts are counted by. */
export async function contactDay(context: CollectionsContext, db: Executor): Promise<PlainDate> {
  const settings = await loadSettings(db);
  return localTime(context.clock.now(), settings.conduct.timeZone).date;
}

type ConductClock = { settings: CollectionSettings; now: Date; local: { hour: number; date: PlainDate } };

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
): Promise<ConductClock> {
  const { settings, now, local } = await openCaseNow(context, trx, row);
  if (local.hour < settings.conduct.earliestHour || local.hour >= settings.conduct.latestHour)
    throw ruleViolation(
      'outside_contact_hours',
      `contacts are allowed from ${settings.conduct.earliestHour}:00 to ${settings.conduct.latestHour}:00 in the borrower's time zone (${settings.conduct.timeZone}); it is ${local.hour}:00 there`,
    );
  // Every collector contact with this borrower today, whichever of their cases it was logged on. The
  // outcome recorded after a call (call_id) is that call's contact, counted once with the call; a call
  // whose outcome never comes counts all the same.
  await sql`select pg_advisory_xact_lock(hashtext('collections:' || ${row.borrower_id}))`.execute(trx);
  const today = await sql<{ n: number }>`
    select count(*)::int as n from collection_contacts
    where borrower_id = ${row.borrower_id} and business_date = ${local.date} and collector_id is not null
      and call_id is null`.execute(trx);
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

/**
 * The outcome of a call placed with the Call action (calls.ts) is the same contact as the call: the
 * call passed the conduct rules when it was placed and counted toward that day's limit then, so its
 * outcome is neither counted again nor refused for the limit or the hour it is written at. It names
 * a call of this case that has no outcome yet, placed today, and is a phone contact with the party
 * called. The caller holds the case's row lock, so that two outcomes of one call come one after the
 * other and the second is refused.
 */
export async function checkCallOutcome(
  context: CollectionsContext,
  trx: Executor,
  row: CaseRow,
  callId: string,
  contact: { channel: Channel; party: string },
): Promise<ConductClock> {
  const clock = await openCaseNow(context, trx, row);
  const call = isUuid(callId)
    ? (
        await sql<{ party: string; business_date: PlainDate; answered: boolean }>`
          select k.party, k.business_date,
                 exists (select 1 from collection_contacts o where o.call_id = k.id) as answered
          from collection_contacts k
          where k.id = ${callId}::uuid and k.case_id = ${row.id} and k.outcome = 'dialled'`.execute(trx)
      ).rows[0]
    : undefined;
  if (!call) throw notFound('call_not_found', 'no call with that id on this case');
  if (contact.channel !== 'phone')
    throw invalid('call_outcome_by_phone', 'the outcome of a call is logged on the phone channel');
  if (contact.party !== call.party)
    throw invalid('call_party_mismatch', `the call was to ${call.party}; its outcome is with the same party`);
  if (call.business_date !== clock.local.date)
    throw ruleViolation('call_not_today', 'the outcome of a call is logged on the day the call was placed');
  if (call.answered) throw conflict('call_outcome_recorded', 'this call already has its outcome');
  return clock;
}
