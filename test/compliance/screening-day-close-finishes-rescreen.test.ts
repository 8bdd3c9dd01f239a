import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffMember } from '../support/credit.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';
import { HEADER, matchesOf, upload, verifiedAs } from './screening-helpers.ts';

/**
 * The re-screen after an upload died before its work was done (simulated: its progress and matches
 * wiped). Day-close's step 'compliance.screening' finishes it; run again, it finds nothing left
 * and changes nothing. (The step is run directly: a whole close would also run the other contexts' steps.)
 */
let t: TestApp;
let officer: TestUser;
let customer: TestUser;

beforeAll(async () => {
  t = await openTestApp();
  officer = await staffMember(t, ['compliance']);
  customer = await verifiedAs(t, '欧阳娜娜');
  expect(
    (await upload(t, officer.headers, 'Interrupted', `${HEADER}\nOUYANG Nana,,,,UN,sanctions\n`)).statusCode,
  ).toBe(201);
  await t.platform.compliance.screening.settled();
  await sql`delete from screening_matches`.execute(t.platform.db);
  await sql`update screening_list_versions set rescreen_after = null, rescreened_at = null`.execute(
    t.platform.db,
  );
});
afterAll(() => t.close());

describe('a re-screen interrupted after an upload', () => {
  it('is finished by the day-close step, and running it again changes nothing', async () => {
    expect(await matchesOf(t, officer.headers, customer.userId)).toHaveLength(0);
    const today = await t.platform.batch.businessDate();
    // The step as day-close runs it (not transactional: it commits a chunk of customers at a time).
    const step = t.platform.compliance.screening.daySteps().find((s) => s.name === 'compliance.screening')!;
    expect(step.transactional).toBe(false);
    expect(await step.run(t.platform.db, today, {})).toBeGreaterThanOrEqual(1);
    const [match, ...others] = await matchesOf(t, officer.headers, customer.userId);
    expect(others).toHaveLength(0);
    expect(match!.trigger).toBe('list_upload');
    expect(match!.why.basis).toBe('pinyin');
    expect(match!.customerName).toBe('欧***');

    expect(await step.run(t.platform.db, today, {})).toBe(0);
    expect(await matchesOf(t, officer.headers, customer.userId)).toEqual([match]);
  });
});
