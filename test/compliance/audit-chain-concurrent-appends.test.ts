import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/index.ts';
import { ADMIN_TOKEN as ADMIN, type AuditContext } from '../../src/identity/index.ts';
import { asAdmin, onPostgres, openTestApp, type TestApp } from '../support/platform.ts';

/**
 * Many requests audit at once, from a pool of connections (on PostgreSQL, truly in parallel): some
 * inside their own business transactions, some through the group-commit writer. The chain comes out
 * whole, one record per position, each linked to the one before.
 */
let t: TestApp;
const context: AuditContext = { principal: ADMIN, ip: '10.0.0.8' };
const TRANSACTIONS = 60;
const WRITER_ENTRIES = 60;

beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

describe('audit records appended concurrently', () => {
  it('form one unbroken chain with every record in it', async () => {
    const inTransactions = Array.from({ length: TRANSACTIONS }, (_, i) =>
      inTransaction(t.platform.db, async (trx) => {
        // A little work before the audit, as a business transaction has, so that they overlap.
        await trx.selectNoFrom((eb) => eb.val(i).as('n')).execute();
        await t.platform.identity.audit(context, { action: 'test.concurrent', subjectId: `tx-${i}` }, trx);
      }),
    );
    const throughWriter = Array.from({ length: WRITER_ENTRIES }, (_, i) =>
      t.platform.identity.audit(context, { action: 'test.concurrent', subjectId: `writer-${i}` }),
    );
    await Promise.all([...inTransactions, ...throughWriter]);

    const response = await t.app.inject({
      method: 'GET',
      url: '/v1/compliance/audit-chain/verify',
      headers: asAdmin,
    });
    expect(response.json(), onPostgres ? 'on PostgreSQL' : 'on PGlite').toMatchObject({
      intact: true,
      records: TRANSACTIONS + WRITER_ENTRIES,
      headPosition: TRANSACTIONS + WRITER_ENTRIES,
    });
  });
});
