import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asAdmin, openTestApp, type TestApp } from '../support/platform.ts';

/** The ledger through HTTP: a wallet funded, spent, frozen and released, read back every way. */
let t: TestApp;
// Ledger endpoints need the finance or administrator role: these tests call them as the administrator.
const inject = (options: InjectOptions) =>
  t.app.inject({ ...options, headers: { ...asAdmin, ...options.headers } });
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

async function post(url: string, payload: unknown) {
  const response = await inject({ method: 'POST', url, payload: payload as object });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

async function get(url: string) {
  return inject({ method: 'GET', url });
}

const transfer = (id: string, debit: string, credit: string, amount: string, extra: object = {}) => ({
  id,
  debitAccountId: debit,
  creditAccountId: credit,
  amount,
  ledger: 'CNY',
  code: 1,
  ...extra,
});

describe('a wallet on the ledger, over HTTP', () => {
  beforeAll(async () => {
    const created = await post('/v1/ledger/accounts', {
      accounts: [
        { id: 'bank:icbc', ledger: 'CNY', code: 1001 },
        {
          id: 'wallet:alice',
          ledger: 'CNY',
          code: 2001,
          userData: 'user-1',
          flags: { debitsMustNotExceedCredits: true, history: true },
        },
        { id: 'wallet:bob', ledger: 'CNY', code: 2001, flags: { debitsMustNotExceedCredits: true } },
        { id: 'wallet:bob', ledger: 'CNY', code: 2001, flags: { debitsMustNotExceedCredits: true } },
        {
          id: 'wallet:carol',
          ledger: 'CNY',
          code: 2001,
          flags: { debitsMustNotExceedCredits: true, creditsMustNotExceedDebits: true },
        },
      ],
    });
    expect(created.results.map((r: { result: string }) => r.result)).toEqual([
      'ok',
      'ok',
      'ok',
      'exists',
      'flags_are_mutually_exclusive',
    ]);
  });

  it('tops up, pays, and refuses to overdraw', async () => {
    const { results } = await post('/v1/ledger/transfers', {
      transfers: [
        transfer('topup-1', 'bank:icbc', 'wallet:alice', '1000.00'),
        transfer('pay-1', 'wallet:alice', 'wallet:bob', '250.50'),
        transfer('pay-2', 'wallet:alice', 'wallet:bob', '800.00'),
      ],
    });
    expect(results.map((r: { result: string }) => r.result)).toEqual(['ok', 'ok', 'exceeds_credits']);
    expect(results[1].amount).toBe('250.50');
    const alice = (await get('/v1/ledger/accounts/wallet:alice')).json();
    expect(alice).toMatchObject({
      creditsPosted: '1000.00',
      debitsPosted: '250.50',
      debitsPending: '0.00',
      userData: 'user-1',
    });
    expect(alice.flags).toMatchObject({ debitsMustNotExceedCredits: true, history: true, closed: false });
  });

  it('freezes funds with a pending transfer, posts part of it and releases the rest', async () => {
    const frozen = await post('/v1/ledger/transfers', {
      transfers: [
        transfer('freeze-1', 'wallet:alice', 'wallet:bob', '300.00', {
          flags: { pending: true },
          timeoutSeconds: 3600,
        }),
      ],
    });
    expect(frozen.results[0].result).toBe('ok');
    let alice = (await get('/v1/ledger/accounts/wallet:alice')).json();
    expect(alice.debitsPending).toBe('300.00');
    // Available is 1000.00 - 250.50 - 300.00 = 449.50: 449.51 is too much.
    const over = await post('/v1/ledger/transfers', {
      transfers: [transfer('pay-3', 'wallet:alice', 'wallet:bob', '449.51')],
    });
    expect(over.results[0].result).toBe('exceeds_credits');
    const posted = await post('/v1/ledger/transfers', {
      transfers: [
        {
          id: 'post-1',
          pendingId: 'freeze-1',
          amount: '120.00',
          ledger: 'CNY',
          flags: { postPendingTransfer: true },
        },
      ],
    });
    expect(posted.results[0]).toMatchObject({ result: 'ok', amount: '120.00' });
    alice = (await get('/v1/ledger/accounts/wallet:alice')).json();
    expect(alice).toMatchObject({ debitsPending: '0.00', debitsPosted: '370.50', creditsPosted: '1000.00' });
    const again = await post('/v1/ledger/transfers', {
      transfers: [
        {
          id: 'void-1',
          pendingId: 'freeze-1',
          amount: '0',
          ledger: 'CNY',
          flags: { voidPendingTransfer: true },
        },
      ],
    });
    expect(again.results[0].result).toBe('pending_transfer_already_posted');
  });

  it('moves only what is there with a balancing transfer', async () => {
    const { results } = await post('/v1/ledger/transfers', {
      transfers: [
        transfer('sweep-1', 'wallet:alice', 'wallet:bob', '0', { flags: { balancingDebit: true } }),
      ],
    });
    expect(results[0]).toMatchObject({ result: 'ok', amount: '629.50' });
    const alice = (await get('/v1/ledger/accounts/wallet:alice')).json();
    expect(alice.debitsPosted).toBe(alice.creditsPosted);
  });

  it('applies a linked chain all or nothing', async () => {
    const { results } = await post('/v1/ledger/transfers', {
      transfers: [
        transfer('chain-1', 'bank:icbc', 'wallet:alice', '10.00', { flags: { linked: true } }),
        transfer('chain-2', 'wallet:alice', 'wallet:bob', '20.00'),
      ],
    });
    expect(results.map((r: { result: string }) => r.result)).toEqual([
      'linked_event_failed',
      'exceeds_credits',
    ]);
    const missing = await get('/v1/ledger/accounts/wallet:alice/transfers?limit=500');
    expect(missing.json().items.map((x: { id: string }) => x.id)).not.toContain('chain-1');
  });

  it('lists an account’s transfers page by page, newest first on request, filtered by code', async () => {
    await post('/v1/ledger/transfers', {
      transfers: Array.from({ length: 7 }, (_, i) =>
        transfer(`many-${i}`, 'bank:icbc', 'wallet:alice', '1.00', { code: i % 2 === 0 ? 7 : 8 }),
      ),
    });
    const ids: string[] = [];
    let url = '/v1/ledger/accounts/wallet:alice/transfers?limit=3';
    for (;;) {
      const page = (await get(url)).json();
      ids.push(...page.items.map((x: { id: string }) => x.id));
      if (!page.nextCursor) break;
      url = `/v1/ledger/accounts/wallet:alice/transfers?limit=3&cursor=${page.nextCursor}`;
    }
    expect(ids).toEqual([
      'topup-1',
      'pay-1',
      'freeze-1',
      'post-1',
      'sweep-1',
      ...Array.from({ length: 7 }, (_, i) => `many-${i}`),
    ]);
    const newest = (await get('/v1/ledger/accounts/wallet:alice/transfers?limit=2&reversed=true')).json();
    expect(newest.items.map((x: { id: string }) => x.id)).toEqual(['many-6', 'many-5']);
    const sevens = (await get('/v1/ledger/accounts/wallet:alice/transfers?code=7')).json();
    expect(sevens.items.map((x: { id: string }) => x.id)).toEqual(['many-0', 'many-2', 'many-4', 'many-6']);
    const future = (await get('/v1/ledger/accounts/wallet:alice/transfers?from=2099-01-01T00:00:00Z')).json();
    expect(future.items).toEqual([]);
  });

  it('gives the balances after each transfer, and as of any timestamp', async () => {
    const history = (await get('/v1/ledger/accounts/wallet:alice/history?limit=500')).json();
    const first = history.items[0];
    expect(first).toMatchObject({ transferId: 'topup-1', creditsPosted: '1000.00', debitsPosted: '0.00' });
    const afterFreeze = history.items.find((x: { transferId: string }) => x.transferId === 'freeze-1');
    expect(afterFreeze).toMatchObject({ debitsPending: '300.00', debitsPosted: '250.50' });
    const at = (await get(`/v1/ledger/accounts/wallet:alice/balance?at=${afterFreeze.timestamp}`)).json();
    expect(at).toMatchObject({ debitsPending: '300.00', debitsPosted: '250.50', creditsPosted: '1000.00' });
    // Bob keeps no history, so his balance as of a timestamp is recomputed from the transfers.
    const bob = (await get(`/v1/ledger/accounts/wallet:bob/balance?at=${afterFreeze.timestamp}`)).json();
    expect(bob).toMatchObject({ creditsPending: '300.00', creditsPosted: '250.50' });
    const atEnd = await get('/v1/ledger/accounts/wallet:alice/balance?at=9223372036854775807');
    expect(atEnd.statusCode).toBe(200);
    const noHistory = await get('/v1/ledger/accounts/wallet:bob/history');
    expect(noHistory.statusCode).toBe(422);
    expect(noHistory.json().error.code).toBe('account_history_not_enabled');
  });

  it('records every ledger write by staff in the audit log', async () => {
    const log = await get('/v1/admin/audit?action=ledger.transfers_created&limit=500');
    const entries = log.json().items as { actorId: string; details: { okIds: string[] } }[];
    expect(entries.every((e) => e.actorId === 'admin-token')).toBe(true);
    expect(entries.flatMap((e) => e.details.okIds)).toContain('topup-1');
  });

  it('answers 404 for an unknown account', async () => {
    const response = await get('/v1/ledger/accounts/wallet:nobody');
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('account_not_found');
  });
});

describe('pending transfers that time out', () => {
  it('release their amount when the ledger next touches the account, and in bulk', async () => {
    await post('/v1/ledger/accounts', {
      accounts: [
        { id: 'exp:src', ledger: 'CNY', code: 2001, flags: { debitsMustNotExceedCredits: true } },
        { id: 'exp:dst', ledger: 'CNY', code: 2001 },
        { id: 'exp:other', ledger: 'CNY', code: 2001 },
        { id: 'exp:bank', ledger: 'CNY', code: 1001 },
      ],
    });
    await post('/v1/ledger/transfers', {
      transfers: [
        transfer('exp-fund', 'exp:bank', 'exp:src', '100.00'),
        transfer('exp-hold-1', 'exp:src', 'exp:dst', '60.00', {
          flags: { pending: true },
          timeoutSeconds: 60,
        }),
        transfer('exp-hold-2', 'exp:bank', 'exp:other', '5.00', {
          flags: { pending: true },
          timeoutSeconds: 60,
        }),
      ],
    });
    const early = await post('/v1/ledger/transfers', {
      transfers: [transfer('exp-spend-1', 'exp:src', 'exp:dst', '50.00')],
    });
    expect(early.results[0].result).toBe('exceeds_credits');
    t.clock.advanceSeconds(61);
    // Touching exp:src releases the expired hold first, so the same spend now fits.
    const later = await post('/v1/ledger/transfers', {
      transfers: [transfer('exp-spend-2', 'exp:src', 'exp:dst', '50.00')],
    });
    expect(later.results[0].result).toBe('ok');
    const post1 = await post('/v1/ledger/transfers', {
      transfers: [
        {
          id: 'exp-post',
          pendingId: 'exp-hold-1',
          amount: '0',
          ledger: 'CNY',
          flags: { postPendingTransfer: true },
        },
      ],
    });
    expect(post1.results[0].result).toBe('pending_transfer_expired');
    // exp-hold-2 touched no account since; the bulk step releases it.
    expect((await get('/v1/ledger/accounts/exp:other')).json().creditsPending).toBe('5.00');
    expect(await t.platform.ledger.expirePending()).toBe(1);
    expect((await get('/v1/ledger/accounts/exp:other')).json().creditsPending).toBe('0.00');
    expect((await t.platform.ledger.verify()).problems).toEqual([]);
  });
});

/**
 * The largest transfer the API accepts, written out by hand rather than taken from the route's
 * own arithmetic, so that the route's body limit is checked against an independent count: every id
 * at 64 characters, the amount at int8's maximum in the widest currency form, a code and a timeout at
 * their maximums, every flag present (false is longer than true), and user data of 128 characters
 * that JSON writes as six-byte escapes. It fails (a plain transfer may not name a pending transfer),
 * which is fine: its size is what matters here.
 */
const largestTransfer = (i: number) => ({
  id: `big-${i}-`.padEnd(64, 'i'),
  debitAccountId: 'd'.repeat(64),
  creditAccountId: 'c'.repeat(64),
  amount: '92233720368547758.07',
  ledger: 'CNY',
  code: 65535,
  userData: '\u0001'.repeat(128),
  pendingId: 'p'.repeat(64),
  timeoutSeconds: 2_147_483_647,
  flags: {
    linked: false,
    pending: false,
    postPendingTransfer: false,
    voidPendingTransfer: false,
    balancingDebit: false,
    balancingCredit: false,
    closingDebit: false,
    closingCredit: false,
  },
});

const largestAccount = (i: number) => ({
  id: `big-acct-${i}-`.padEnd(64, 'a'),
  ledger: 'CNY',
  code: 65535,
  userData: '\u0001'.repeat(128),
  flags: {
    linked: false,
    debitsMustNotExceedCredits: false,
    creditsMustNotExceedDebits: false,
    history: false,
    closed: false,
  },
});

/** JSON as Python's json.dumps writes it by default: a space after every colon and comma. */
const spacedJson = (value: unknown) => JSON.stringify(value).replace(/([:,])/g, '$1 ');

async function rowCounts(): Promise<string> {
  const { rows } = await sql<{ counts: string }>`
    select concat_ws('|', (select count(*) from ledger_accounts), (select count(*) from ledger_transfers),
      (select count(*) from audit_log)) as counts`.execute(t.platform.db);
  return rows[0]!.counts;
}

async function postRaw(url: string, body: string) {
  return inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: body });
}

describe('full batches over HTTP', () => {
  it('accepts 8,190 transfers of the largest size, refuses 8,191 with a code, and a larger body with 413', async () => {
    const events = Array.from({ length: 8192 }, (_, i) => largestTransfer(i));
    const full = spacedJson({ transfers: events.slice(0, 8190) });
    // Eleven times the global limit of 1 MiB: the route's own limit is what lets it through.
    expect(full.length).toBeGreaterThan(11 * 1024 * 1024);
    const accepted = await postRaw('/v1/ledger/transfers', full);
    expect(accepted.statusCode, accepted.body.slice(0, 500)).toBe(200);
    const results = accepted.json().results as { id: string; result: string }[];
    expect(results).toHaveLength(8190);
    expect(new Set(results.map((r) => r.result))).toEqual(new Set(['pending_id_must_be_empty']));

    const before = await rowCounts();
    const tooMany = await postRaw('/v1/ledger/transfers', spacedJson({ transfers: events.slice(0, 8191) }));
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error).toMatchObject({ code: 'ledger_batch_too_large', details: { max: 8190 } });
    // The count is what answers, even when an event is malformed too.
    const tooManyAndBad = await postRaw(
      '/v1/ledger/transfers',
      JSON.stringify({ transfers: [{ id: 'has space' }, ...events.slice(1, 8191)] }),
    );
    expect(tooManyAndBad.json().error.code).toBe('ledger_batch_too_large');
    const tooLarge = await postRaw('/v1/ledger/transfers', spacedJson({ transfers: events }));
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().error.code).toBe('payload_too_large');
    expect(await rowCounts()).toBe(before);
  });

  it('accepts 8,190 accounts of the largest size, refuses 8,191 with a code, and a larger body with 413', async () => {
    const events = Array.from({ length: 8192 }, (_, i) => largestAccount(i));
    const accepted = await postRaw('/v1/ledger/accounts', spacedJson({ accounts: events.slice(0, 8190) }));
    expect(accepted.statusCode, accepted.body.slice(0, 500)).toBe(200);
    const results = accepted.json().results as { result: string }[];
    expect(results).toHaveLength(8190);
    expect(new Set(results.map((r) => r.result))).toEqual(new Set(['ok']));
    const stored = (await get(`/v1/ledger/accounts/${events[8189]!.id}`)).json();
    expect(stored).toMatchObject({ code: 65535, userData: '\u0001'.repeat(128) });

    const before = await rowCounts();
    const renamed = events.map((e) => ({ ...e, id: `x${e.id.slice(1)}` }));
    const tooMany = await postRaw('/v1/ledger/accounts', spacedJson({ accounts: renamed.slice(0, 8191) }));
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error).toMatchObject({ code: 'ledger_batch_too_large', details: { max: 8190 } });
    const tooLarge = await postRaw('/v1/ledger/accounts', spacedJson({ accounts: renamed }));
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().error.code).toBe('payload_too_large');
    expect(await rowCounts()).toBe(before);
  });
});

describe('query parameters', () => {
  const badQueries: [string, string][] = [
    ...['abc', '1e309', 'true', '-1', '', '1.5', '01', ' 1', '0x10', '9223372036854775808'].map(
      (at): [string, string] => [`balance?at=${encodeURIComponent(at)}`, 'timestamp_malformed'],
    ),
    ['balance?at=1&at=2', 'validation_failed'],
    ['balance?unknown=1', 'validation_failed'],
    ...['abc', '1e309', 'true', '-1', '', '0', '65536', '1.5', '0x10', '1e1', ' 7'].map(
      (code): [string, string] => [`transfers?code=${encodeURIComponent(code)}`, 'code_malformed'],
    ),
    ...[
      'abc',
      '1e309',
      'true',
      '',
      '2026-02-30T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '1899-12-31T23:59:59Z',
    ].map((from): [string, string] => [`transfers?from=${encodeURIComponent(from)}`, '']),
    ...['abc', '1', 'TRUE', ''].map((reversed): [string, string] => [`transfers?reversed=${reversed}`, '']),
    ...['abc', '', 'e30', 'MQ'].map((cursor): [string, string] => [
      `history?cursor=${cursor}`,
      'cursor_invalid',
    ]),
    ['history?reversed=yes', ''],
  ];

  it.each(badQueries)('GET /v1/ledger/accounts/wallet:alice/%s gets a coded 400', async (query, code) => {
    const response = await get(`/v1/ledger/accounts/wallet:alice/${query}`);
    expect(response.statusCode, response.body).toBe(400);
    const error = response.json().error;
    if (code) expect(error.code).toBe(code);
    else expect(error.code).toMatch(/^[a-z]+(_[a-z]+)+$/);
  });
});
