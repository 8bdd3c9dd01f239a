import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/index.ts';
import { openPaymentsTestApp, type PaymentsTestApp } from '../support/platform.ts';
import { verifiedCustomer } from '../support/users.ts';

/**
 * Amounts a customer sends that the ledger's int8 balances cannot take: the largest amount an
 * order may have is refused before anything is written, and an amount within it that would still
 * take an account past the int8 range (a wallet that already holds almost that much) is refused by
 * the ledger's overflow check. Both are a 422 with a code, never a 500, and nothing is written.
 */
const INT8_MAX = 9_223_372_036_854_775_807n;
const LARGEST = '92233720368547758.07';

let t: PaymentsTestApp;
let alice: Awaited<ReturnType<typeof verifiedCustomer>>;
let rich: Awaited<ReturnType<typeof verifiedCustomer>>;
let shop: Awaited<ReturnType<typeof verifiedCustomer>>;

beforeAll(async () => {
  t = await openPaymentsTestApp();
  [alice, rich, shop] = [await verifiedCustomer(t), await verifiedCustomer(t), await verifiedCustomer(t)];
  for (const user of [alice, rich]) {
    await call(user, 'POST', '/v1/me/payment-password', {
      paymentPassword: '246810',
      accountPassword: user.password,
    });
  }
  expect((await call(shop, 'POST', '/v1/merchants', { name: 'Overflow Shop' })).statusCode).toBe(201);
  // Alice has a little money, from a top-up the channel confirms.
  await call(alice, 'POST', '/v1/me/top-ups', { amount: cny('500.00'), cardId: alice.cardId });
  await t.waitFor(async () => (await wallet(alice)).balance.amount === '500.00', 'the top-up');
  // Rich's wallet holds 50.00 less than the largest balance a ledger account can have: no top-up
  // reaches it, so it is credited from an account of the test's own.
  const { ledger, payments, db } = t.platform;
  await ledger.createAccounts([{ id: 'test:overflow-source', ledger: 'CNY', code: 9999 }]);
  const richWallet = await inTransaction(db, (trx) => payments.walletAccount(trx, rich.userId));
  const [seeded] = await ledger.createTransfers([
    {
      id: 'test:overflow-seed',
      debitAccountId: 'test:overflow-source',
      creditAccountId: richWallet,
      amount: INT8_MAX - 50_00n,
      ledger: 'CNY',
      code: 9999,
    },
  ]);
  expect(seeded!.result).toBe('ok');
});
afterAll(() => t.close());

const cny = (amount: string) => ({ amount, currency: 'CNY' });

function call(
  user: { headers: Record<string, string> },
  method: 'GET' | 'POST',
  url: string,
  payload?: object,
) {
  return t.app.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });
}

async function wallet(user: { headers: Record<string, string> }) {
  return (await call(user, 'GET', '/v1/me/wallet')).json();
}

/** Orders, ledger transfers and balances, exceptions: everything a refused request must leave alone. */
async function everything() {
  const row = await sql<{ orders: bigint; transfers: bigint; balances: string | null }>`
    select (select count(*) from payment_orders)::int8 as orders,
           (select count(*) from ledger_transfers)::int8 as transfers,
           (select string_agg(id || ' ' || debits_pending || ' ' || debits_posted || ' ' || credits_pending || ' ' || credits_posted, ',' order by id)
              from ledger_accounts) as balances`.execute(t.platform.db);
  return row.rows[0]!;
}

/** Sends the request and checks that it is refused with this status and code, writing nothing. */
async function refused(status: number, code: string, request: () => ReturnType<typeof call>) {
  const before = await everything();
  const response = await request();
  expect([response.statusCode, response.json().error?.code]).toEqual([status, code]);
  expect(await everything()).toEqual(before);
}

describe('amounts beyond what the ledger can hold', () => {
  it('refuses an order above the largest one amount at the edge, before any write', async () => {
    await refused(422, 'amount_exceeds_order_limit', () =>
      call(alice, 'POST', '/v1/me/top-ups', { amount: cny(LARGEST), cardId: alice.cardId }),
    );
    await refused(422, 'amount_exceeds_order_limit', () =>
      call(alice, 'POST', '/v1/me/transfers', {
        toPhone: rich.phone,
        amount: cny(LARGEST),
        paymentPassword: '246810',
      }),
    );
    await refused(422, 'amount_exceeds_order_limit', () =>
      call(rich, 'POST', '/v1/me/withdrawals', {
        amount: cny(LARGEST),
        cardId: rich.cardId,
        paymentPassword: '246810',
      }),
    );
    await refused(422, 'amount_exceeds_order_limit', () =>
      call(shop, 'POST', '/v1/merchant/orders', { amount: cny(LARGEST), description: 'Everything' }),
    );
    // One unit more than the int8 range is not an amount at all: the request's schema refuses it.
    await refused(400, 'amount_out_of_range', () =>
      call(alice, 'POST', '/v1/me/top-ups', { amount: cny('92233720368547758.08'), cardId: alice.cardId }),
    );
  });

  it('refuses a top-up or a transfer that would overflow a wallet already holding money', async () => {
    const before = await wallet(rich);
    await refused(422, 'balance_would_overflow', () =>
      call(rich, 'POST', '/v1/me/top-ups', { amount: cny('100.00'), cardId: rich.cardId }),
    );
    await refused(422, 'balance_would_overflow', () =>
      call(alice, 'POST', '/v1/me/transfers', {
        toPhone: rich.phone,
        amount: cny('60.00'),
        paymentPassword: '246810',
      }),
    );
    expect(await wallet(rich)).toEqual(before);
    // Within the room left, both still work.
    const small = await call(alice, 'POST', '/v1/me/transfers', {
      toPhone: rich.phone,
      amount: cny('10.00'),
    });
    expect(small.statusCode).toBe(201);
  });

  it('refuses a refund that would overflow the payer’s wallet, and one above the largest order', async () => {
    const order = await call(shop, 'POST', '/v1/merchant/orders', {
      amount: cny('60.00'),
      description: 'Sixty',
    });
    const paid = await call(rich, 'POST', `/v1/pay/orders/${order.json().id}/wallet`, {
      paymentPassword: '246810',
    });
    expect(paid.json().status).toBe('succeeded');
    // Rich's wallet has taken in 40.00 less than the int8 range (50.00 less, then 10.00): 60.00 back overflows it.
    await refused(422, 'balance_would_overflow', () =>
      call(shop, 'POST', `/v1/merchant/orders/${order.json().id}/refunds`, { amount: cny('60.00') }),
    );
    await refused(422, 'amount_exceeds_order_limit', () =>
      call(shop, 'POST', `/v1/merchant/orders/${order.json().id}/refunds`, { amount: cny(LARGEST) }),
    );
    const partial = await call(shop, 'POST', `/v1/merchant/orders/${order.json().id}/refunds`, {
      amount: cny('40.00'),
    });
    expect(partial.statusCode).toBe(201);
    expect((await t.platform.ledger.verify()).problems).toEqual([]);
  });
});
