import { sql } from 'kysely';
import { inTransaction } from '../db/index.ts';
import type { AuditContext } from '../identity/index.ts';
import { maskPhone } from '../identity/index.ts';
import { uuidv7 } from '../kernel/index.ts';
import { caseRow, checkAccess } from './cases.ts';
import { checkConduct } from './conduct.ts';
import type { CollectionsContext } from './steps.ts';

/**
 * A collector's "call" button: the attempt is logged as a phone contact with the outcome `dialled`
 * under the conduct rules (hours, daily limit, registered parties), and the answer carries what a
 * softphone needs to place it: a call reference and the number masked. The full number never leaves
 * the server here; a telephony gateway would dial it from the reference. The outcome logged afterwards
 * names the call (logContact's callId), and the two are one contact toward the day's limit.
 */
export async function placeCall(
  context: CollectionsContext,
  caseId: string,
  collector: { userId: string; supervisor: boolean },
  party: string,
  audit: AuditContext,
) {
  return inTransaction(context.db, async (trx) => {
    const row = await caseRow(context, trx, caseId, true);
    checkAccess(row, collector);
    const { now, local } = await checkConduct(context, trx, row, party);
    let maskedNumber: string | null = null;
    if (party === 'borrower') {
      const person = (await context.identity.reachOf([row.borrower_id], trx)).get(row.borrower_id);
      maskedNumber = person ? maskPhone(person.phone) : null;
    } else {
      const contact = (await context.identity.contacts.list(row.borrower_id, { db: trx })).find(
        (c) => c.id === party,
      );
      maskedNumber = contact?.phone ?? null;
    }
    const id = uuidv7();
    await sql`insert into collection_contacts (id, case_id, borrower_id, collector_id, channel, party, template, outcome, note, business_date, at)
              values (${id}, ${row.id}, ${row.borrower_id}, ${collector.userId}, 'phone', ${party}, null, 'dialled', null, ${local.date}, ${now})`.execute(
      trx,
    );
    await context.identity.audit(
      audit,
      {
        action: 'collections.call',
        subjectType: 'collection_case',
        subjectId: row.id,
        details: { party, contactId: id },
      },
      trx,
    );
    return { id, caseId: row.id, party, maskedNumber, reference: `call-${id}`, at: now };
  });
}
