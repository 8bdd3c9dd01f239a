import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/index.ts';
import type { PlainDate } from '../../src/kernel/index.ts';
import { signInAgain, staffMember } from '../support/credit.ts';
import { applyFor, borrower, fundedLoan, goTo } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { signUp, type TestUser, verifiedCustomer } from '../support/users.ts';

/**
 * Five years on, the retention step removes exactly what is past its keeping: expired sessions,
 * old one-time codes, the text of old notifications, the raw bureau responses of old decisions, and
 * the personal data of an account closed more than five years ago. The young rows, the account
 * closed one year ago, and every ledger, loan, note and contract row stay as they were; the ledger
 * and the audit chain verify; a second run changes nothing.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openTestApp(); // sessions last a week: the scene's early ones have long expired
});
afterAll(() => t.close());

const RUN_DATE = '2031-03-01' as PlainDate;
const db = () => t.platform.db;
const one = async <T>(query: ReturnType<typeof sql<T>>) => (await query.execute(db())).rows[0] as T;

/** A digest of every row of the tables retention must never touch. */
const financialRecords = async () =>
  one<{ digest: string }>(sql`
    select md5(string_agg(t, '|' order by t)) as digest from (
      select 'l' || row_to_json(x)::text as t from loans x union all
      select 'n' || row_to_json(x)::text from loan_notes x union all
      select 'b' || row_to_json(x)::text from loan_bids x union all
      select 'c' || row_to_json(x)::text from loan_contracts x union all
      select 'a' || row_to_json(x)::text from loan_applications x union all
      select 't' || row_to_json(x)::text from ledger_transfers x union all
      select 'k' || row_to_json(x)::text from ledger_accounts x union all
      select 'h' || row_to_json(x)::text from ledger_account_history x union all
      select 'w' || row_to_json(x)::text from wallets x union all
      select 'p' || row_to_json(x)::text from payment_orders x) s`);

const userRow = (id: string) =>
  one<{
    phone_enc: string;
    real_name_enc: string | null;
    id_number_hash: string | null;
    anonymised_at: Date | null;
  }>(sql`select phone_enc, real_name_enc, id_number_hash, anonymised_at from users where id = ${id}::uuid`);
const count = async (query: ReturnType<typeof sql<{ n: bigint }>>) =>
  Number((await query.execute(db())).rows[0]!.n);

async function closeAccount(officer: TestUser, userId: string) {
  const response = await t.app.inject({
    method: 'POST',
    url: `/v1/privacy/users/${userId}/close`,
    headers: officer.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
}

async function runStep(): Promise<number> {
  const step = t.platform.compliance.privacy.daySteps().find((s) => s.name === 'compliance.retention')!;
  expect(step.position).toBe(960);
  let rows = 0;
  const chunks = step.plan ? await step.plan(db(), RUN_DATE) : [{}];
  for (const chunk of chunks) rows += await inTransaction(db(), (trx) => step.run(trx, RUN_DATE, chunk));
  return rows;
}

describe('retention five years on', () => {
  let oldClosed: TestUser & { cardId: string };
  let youngClosed: TestUser;
  let oldLoan: { loanId: string; borrower: TestUser };
  let youngUser: TestUser;
  let oldDecision: string;
  let youngDecision: string;
  let officer: TestUser;

  it('sets the scene over five years', async () => {
    officer = await staffMember(t, ['compliance']);
    oldClosed = await verifiedCustomer(t);
    oldLoan = await fundedLoan(t, { amount: '5000.00', investors: 2 });
    oldDecision = (
      await one<{ decision_id: string }>(
        sql`select decision_id from loan_applications a join loans l on l.application_id = a.id where l.id = ${oldLoan.loanId}::uuid`,
      )
    ).decision_id;
    await t.platform.identity.notifier.dispatch();
    await closeAccount(officer, oldClosed.userId);

    goTo(t, '2030-01-10');
    officer = await signInAgain(t, officer);
    youngClosed = await signUp(t);
    await closeAccount(officer, youngClosed.userId);

    goTo(t, '2031-02-25');
    youngUser = await signUp(t);
    const young = await borrower(t);
    youngDecision = (await applyFor(t, young)).body.application.decisionId;
    await t.platform.identity.notifier.dispatch();
    goTo(t, RUN_DATE);
    officer = await signInAgain(t, officer);
  });

  it('removes exactly what is past its keeping, and keeps the financial records whole', async () => {
    const before = await financialRecords();
    const youngClosedBefore = await userRow(youngClosed.userId);
    const liveSessions = await count(
      sql`select count(*)::int8 as n from sessions where expires_at > ${t.clock.now()}`,
    );
    expect(liveSessions).toBeGreaterThan(0);
    const oldDecisionBefore = await t.platform.risk.decision(oldDecision);

    expect(await runStep()).toBeGreaterThan(0);

    // Sessions: only live ones (the young ones) are left; one-time codes: only the young ones.
    const cutoff = new Date(`${RUN_DATE}T00:00:00+08:00`);
    cutoff.setUTCDate(cutoff.getUTCDate() - 90);
    expect(await count(sql`select count(*)::int8 as n from sessions where expires_at < ${cutoff}`)).toBe(0);
    expect(
      await count(sql`select count(*)::int8 as n from sessions where expires_at > ${t.clock.now()}`),
    ).toBe(liveSessions);
    const codes = await sql<{ created_at: Date }>`select created_at from sms_codes`.execute(db());
    expect(codes.rows.length).toBeGreaterThan(0);
    for (const c of codes.rows) expect(c.created_at.getTime()).toBeGreaterThan(Date.parse('2031-01-01'));

    // Notifications: old texts blanked (still decryptable), young ones kept.
    const notes = await sql<{ sent_at: Date; body_enc: string; body_removed_at: Date | null }>`
      select sent_at, body_enc, body_removed_at from notification_outbox where status = 'sent'`.execute(db());
    const vault = t.platform.identity.vault;
    const old = notes.rows.filter((n) => n.sent_at.getTime() < Date.parse('2030-01-01'));
    const recent = notes.rows.filter((n) => n.sent_at.getTime() > Date.parse('2031-01-01'));
    expect(old.length).toBeGreaterThan(0);
    expect(recent.length).toBeGreaterThan(0);
    for (const n of old) expect([n.body_removed_at !== null, vault.decrypt(n.body_enc)]).toEqual([true, '']);
    for (const n of recent) expect(vault.decrypt(n.body_enc)).not.toBe('');

    // Decisions: the old one keeps its outcome and reasons but not the bureau's answer.
    const stripped = (await t.platform.risk.decision(oldDecision)) as unknown as Record<string, any>;
    const original = oldDecisionBefore as unknown as Record<string, any>;
    expect(stripped.outcome).toBe(original.outcome);
    expect(stripped.reasons).toEqual(original.reasons);
    expect(stripped.score).toBe(original.score);
    expect(original.sources.bureau.response).not.toBeNull();
    expect(stripped.sources.bureau).toEqual({
      status: 'ok',
      cached: original.sources.bureau.cached,
      removed: true,
    });
    expect(stripped.input.bureau).toBeUndefined();
    expect(stripped.input.features).toEqual(original.input.features);
    const kept = (await t.platform.risk.decision(youngDecision)) as unknown as Record<string, any>;
    expect(kept.sources.bureau.response).not.toBeNull();
    expect(kept.input.bureau).toBeDefined();

    // The account closed five years ago is anonymised; the one closed a year ago is not.
    const anonymised = await userRow(oldClosed.userId);
    expect(anonymised.anonymised_at).not.toBeNull();
    expect(vault.decrypt(anonymised.phone_enc)).toBe('anonymised');
    expect([anonymised.real_name_enc, anonymised.id_number_hash]).toEqual([null, null]);
    const card = await one<{ card_enc: string; last4: string }>(
      sql`select card_enc, last4 from bank_cards where id = ${oldClosed.cardId}::uuid`,
    );
    expect(vault.decrypt(card.card_enc)).toBe('anonymised');
    expect(card.last4).toMatch(/^\d{4}$/);
    expect(await userRow(youngClosed.userId)).toEqual(youngClosedBefore);
    expect(vault.decrypt(youngClosedBefore.phone_enc)).toBe(youngClosed.phone);
    // The young, open customer signs in as before.
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-in',
      payload: { phone: youngUser.phone, password: youngUser.password },
    });
    expect(signIn.statusCode, signIn.body).toBe(200);

    // Ledger, loans, notes, bids, contracts, wallets and orders: not a byte changed; all verify.
    expect(await financialRecords()).toEqual(before);
    expect((await t.platform.ledger.verify()).problems).toEqual([]);
    expect((await t.platform.compliance.verifyAuditChain()).intact).toBe(true);
  });

  it('a second run changes nothing; every run is recorded per rule', async () => {
    const before = await financialRecords();
    const rerun = await t.app.inject({
      method: 'POST',
      url: '/v1/privacy/retention/run',
      headers: officer.headers,
      payload: { date: RUN_DATE },
    });
    expect(rerun.statusCode, rerun.body).toBe(200);
    const items = rerun.json().items as { kind: string; rowsAffected: number; trigger: string }[];
    expect(items.length).toBe(7);
    for (const item of items)
      expect([item.kind, item.rowsAffected, item.trigger]).toEqual([item.kind, 0, 'manual']);
    expect(await financialRecords()).toEqual(before);

    const runs = await t.app.inject({
      method: 'GET',
      url: '/v1/privacy/retention/runs',
      headers: officer.headers,
    });
    const dayClose = runs.json().items.filter((r: { trigger: string }) => r.trigger === 'day_close');
    const byKind = Object.fromEntries(
      dayClose.map((r: { kind: string; rowsAffected: number }) => [r.kind, r.rowsAffected]),
    );
    expect(byKind.closed_accounts).toBe(1);
    expect(byKind.risk_source_responses).toBeGreaterThanOrEqual(1);
    expect(byKind.sessions).toBeGreaterThan(0);
    expect((await t.platform.compliance.verifyAuditChain()).intact).toBe(true);
  });
});
