import { sql } from 'kysely';
import { inTransaction } from '../db/index.ts';
import type { AuditContext } from '../identity/index.ts';
import { addDays, CNY, conflict, formatAmount, invalid, type PlainDate, uuidv7 } from '../kernel/index.ts';
import { caseRow, checkAccess } from './cases.ts';
import { checkCallOutcome, checkConduct } from './conduct.ts';
import type { Channel, Outcome } from './settings.ts';
import { type CollectionsContext, send } from './steps.ts';

export interface ContactInput {
  readonly channel: Channel;
  /** "borrower", or the id of a contact the borrower registered. */
  readonly party: string;
  readonly outcome: Outcome;
  readonly note?: string | undefined;
  /** SMS only: the name of an approved template. */
  readonly template?: string | undefined;
  readonly promise?: { readonly amount: bigint; readonly date: PlainDate } | undefined;
  /**
   * The call (placeCall's id) this is the outcome of: the call and its outcome are one contact toward
   * the day's limit. Without it, the contact is one of its own.
   */
  readonly callId?: string | undefined;
}

/**
 * Logs a contact attempt under the conduct rules: within the allowed hours in the borrower's time
 * zone, at most N contacts a day with the borrower and their contacts, only the borrower or a
 * contact they registered, SMS only from an approved template. The outcome of a call placed with
 * the Call action names the call and passes with it (checkCallOutcome). A refused contact writes
 * nothing.
 */
export async function logContact(
  context: CollectionsContext,
  caseId: string,
  collector: { userId: string; supervisor: boolean },
  input: ContactInput,
  audit: AuditContext,
) {
  return inTransaction(context.db, async (trx) => {
    const row = await caseRow(context, trx, caseId, true);
    checkAccess(row, collector);
    const { settings, now, local } =
      input.callId === undefined
        ? await checkConduct(context, trx, row, input.party)
        : await checkCallOutcome(context, trx, row, input.callId, input);
    if (input.channel === 'sms') {
      if (!input.template || !settings.smsTemplates[input.template])
        throw invalid(
          'sms_template_not_approved',
          `an SMS uses one of the approved templates: ${Object.keys(settings.smsTemplates).join(', ')}`,
        );
    } else if (input.template) throw invalid('template_for_sms_only', 'templates are for SMS');
    if (input.outcome === 'promise_to_pay') {
      if (!input.promise) throw invalid('promise_required', 'a promise to pay has an amount and a date');
      const businessDate = context.clock.businessDate();
      if (input.promise.date < businessDate || input.promise.date > addDays(businessDate, 30))
        throw invalid('promise_date_invalid', 'a promise is for today or one of the next 30 days');
      if (input.promise.amount <= 0n) throw invalid('amount_not_positive', 'the promised amount is positive');
      // The same promise logged twice (a double click, two collectors on one call) would count twice in
      // the kept rate: one pending promise of an amount for a date per case.
      const same = await sql`
        select 1 from collection_promises
        where case_id = ${row.id} and status = 'pending' and amount = ${input.promise.amount}
          and promised_on = ${input.promise.date}`.execute(trx);
      if (same.rows.length > 0)
        throw conflict(
          'promise_already_made',
          `the case already has a pending promise of ${formatAmount(input.promise.amount, CNY)} for ${input.promise.date}`,
        );
    } else if (input.promise)
      throw invalid('promise_without_outcome', 'a promise goes with the outcome promise_to_pay');
    const id = uuidv7();
    await sql`insert into collection_contacts (id, case_id, borrower_id, collector_id, channel, party, template, outcome, note, business_date, at, call_id)
              values (${id}, ${row.id}, ${row.borrower_id}, ${collector.userId}, ${input.channel}, ${input.party}, ${input.template ?? null},
                      ${input.outcome}, ${input.note ?? null}, ${local.date}, ${now}, ${input.callId ?? null})`.execute(
      trx,
    );
    let promiseId: string | null = null;
    if (input.promise) {
      promiseId = uuidv7();
      await sql`insert into collection_promises (id, case_id, contact_id, amount, promised_on, made_on, status)
                values (${promiseId}, ${row.id}, ${id}, ${input.promise.amount}, ${input.promise.date}, ${context.clock.businessDate()}, 'pending')`.execute(
        trx,
      );
    }
    // The SMS itself goes out to the borrower; one to a registered contact is logged, not sent.
    if (input.channel === 'sms' && input.party === 'borrower')
      await send(context, trx, input.template!, settings, [
        {
          borrowerId: row.borrower_id,
          values: {
            amount: formatAmount(input.promise?.amount ?? row.overdue_amount, CNY),
            dpd: String(row.dpd),
            dueDate: input.promise?.date ?? '',
          },
        },
      ]);
    await context.identity.audit(
      audit,
      {
        action: 'collections.contact',
        subjectType: 'collection_case',
        subjectId: row.id,
        details: {
          channel: input.channel,
          party: input.party,
          outcome: input.outcome,
          callId: input.callId ?? null,
        },
      },
      trx,
    );
    return { id, caseId: row.id, promiseId, at: now };
  });
}
