import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetricsServer } from '../../src/api/metrics-server.ts';
import { withCheckCharacter } from '../../src/identity/index.ts';
import { asAdmin, openPaymentsTestApp, openTestApp, type PaymentsTestApp } from '../support/platform.ts';
import { signUp, verifiedCustomer } from '../support/users.ts';

/**
 * An operator's view: GET /metrics in the Prometheus text format, for the administrator only (or on a
 * port of its own), whose series move as the platform works (requests by route pattern, the ledger,
 * the group-commit queues, decisions, notifications, the pools); and GET /readyz, which says whether
 * the database answers with the schema this version expects.
 */
let t: PaymentsTestApp;
beforeAll(async () => {
  t = await openPaymentsTestApp();
});
afterAll(() => t.close());

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** The samples of a scrape: `name{label="value",...} number` lines (comments skipped). */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[pair[1]!] = pair[2]!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of the samples named `name` whose labels include `labels` (0 when there is none). */
function total(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

async function scrape(): Promise<Sample[]> {
  const response = await t.app.inject({ method: 'GET', url: '/metrics', headers: asAdmin });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(response.body);
}

const cny = (amount: string) => ({ amount, currency: 'CNY' });

describe('GET /metrics', () => {
  it('is the administrator’s: 401 for nobody, 403 for a customer', async () => {
    const nobody = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(nobody.statusCode).toBe(401);
    expect(nobody.json().error.code).toBe('authentication_required');
    const customer = await signUp(t);
    const refused = await t.app.inject({ method: 'GET', url: '/metrics', headers: customer.headers });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('permission_denied');
    const wrongToken = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer not-the-admin-token-at-all-0000' },
    });
    expect(wrongToken.statusCode).toBe(401);
  });

  it('counts requests by route pattern and status, a transfer, a decision and notifications', async () => {
    const alice = await verifiedCustomer(t);
    const bob = await verifiedCustomer(t);
    await t.app.inject({
      method: 'POST',
      url: '/v1/me/payment-password',
      headers: alice.headers,
      payload: { paymentPassword: '246810', accountPassword: alice.password },
    });
    const before = await scrape();

    for (let i = 0; i < 3; i++)
      expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    // Two different ids, one pattern: the series is the route's, never the URL's.
    const ids = ['01999999-9999-7999-8999-999999999991', '01999999-9999-7999-8999-999999999992'];
    for (const id of ids)
      expect(
        (await t.app.inject({ method: 'GET', url: `/v1/me/orders/${id}`, headers: alice.headers }))
          .statusCode,
      ).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/no/such/route' })).statusCode).toBe(404);

    // A top-up: the gateway notifies over HTTP, signed; then a forged notification, refused.
    const topUp = await t.app.inject({
      method: 'POST',
      url: '/v1/me/top-ups',
      headers: alice.headers,
      payload: { amount: cny('100.00'), cardId: alice.cardId },
    });
    expect(topUp.statusCode, topUp.body).toBe(202);
    await t.waitFor(async () => {
      const wallet = await t.app.inject({ method: 'GET', url: '/v1/me/wallet', headers: alice.headers });
      return wallet.json().balance.amount === '100.00';
    }, 'the top-up to settle');
    const forged = await t.app.inject({
      method: 'POST',
      url: '/v1/payments/channels/sim/notify',
      headers: { 'content-type': 'application/json', 'x-sim-timestamp': '1', 'x-sim-signature': 'forged' },
      payload: JSON.stringify({ notificationId: 'forged', orderId: topUp.json().id }),
    });
    expect(forged.statusCode).not.toBe(200);

    // A wallet-to-wallet transfer (its group-commit queue) and a ledger batch of the ledger's own queue.
    const transfer = await t.app.inject({
      method: 'POST',
      url: '/v1/me/transfers',
      headers: alice.headers,
      payload: { toPhone: bob.phone, amount: cny('10.00'), paymentPassword: '246810' },
    });
    expect(transfer.statusCode, transfer.body).toBe(201);

    // A credit decision, by the admin token, for a customer verified with a sound identity.
    const applicant = await signUp(t);
    const kyc = await t.app.inject({
      method: 'POST',
      url: '/v1/me/kyc',
      headers: applicant.headers,
      payload: { realName: '陈一', idNumber: withCheckCharacter('11010519880315123') },
    });
    expect(kyc.statusCode, kyc.body).toBe(200);
    const decision = await t.app.inject({
      method: 'POST',
      url: '/v1/risk/decisions',
      headers: asAdmin,
      payload: {
        applicantId: applicant.userId,
        amount: cny('20000.00'),
        termMonths: 12,
        purpose: 'education',
        monthlyIncome: cny('12000.00'),
        monthlyDebt: cny('1500.00'),
        employmentYears: 6,
      },
    });
    expect(decision.statusCode, decision.body).toBe(200);
    const outcome = decision.json().outcome as string;

    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) =>
      total(after, name, labels) - total(before, name, labels);

    const http = 'netfin_http_request_duration_seconds_count';
    expect(moved(http, { method: 'GET', route: '/healthz', status: '200' })).toBe(3);
    expect(moved(http, { method: 'GET', route: '/v1/me/orders/:id', status: '404' })).toBe(2);
    expect(moved(http, { route: 'unmatched', status: '404' })).toBe(1);
    expect(moved(http, { method: 'POST', route: '/v1/me/transfers', status: '201' })).toBe(1);
    expect(after.some((s) => Object.values(s.labels).some((v) => ids.some((id) => v.includes(id))))).toBe(
      false,
    );
    expect(after.some((s) => s.labels.route === '/no/such/route')).toBe(false);
    // The histogram's buckets are cumulative: the slowest bucket holds every request.
    expect(
      total(after, 'netfin_http_request_duration_seconds_bucket', {
        route: '/healthz',
        status: '200',
        le: '+Inf',
      }),
    ).toBe(total(after, http, { route: '/healthz', status: '200' }));

    expect(moved('netfin_ledger_transfers_total', { result: 'ok' })).toBeGreaterThanOrEqual(2);
    expect(moved('netfin_ledger_batch_size_count')).toBeGreaterThanOrEqual(2);
    expect(moved('netfin_group_commit_group_size_count', { queue: 'wallet_transfers' })).toBe(1);
    expect(moved('netfin_group_commit_wait_seconds_count', { queue: 'wallet_transfers' })).toBe(1);
    expect(moved('netfin_group_commit_group_size_count', { queue: 'decision_log' })).toBeGreaterThanOrEqual(
      1,
    );
    for (const queue of ['ledger', 'wallet_transfers', 'bids', 'decision_log'])
      expect(total(after, 'netfin_group_commit_queue_depth', { queue }), queue).toBe(0);

    expect(['approve', 'refer', 'decline']).toContain(outcome);
    expect(moved('netfin_risk_decision_duration_seconds_count', { outcome })).toBe(1);

    const notifications = 'netfin_payment_notifications_duration_seconds_count';
    expect(moved(notifications, { channel: 'sim', result: 'accepted' })).toBeGreaterThanOrEqual(1);
    expect(moved(notifications, { channel: 'sim', result: 'rejected' })).toBe(1);

    expect(total(after, 'netfin_db_pool_connections_max', { database: 'primary' })).toBeGreaterThanOrEqual(1);
    expect(after.some((s) => s.name === 'netfin_db_pool_waiting')).toBe(true);
    expect(total(after, 'netfin_payment_exceptions_open')).toBe(0);
    expect(total(after, 'netfin_business_date_timestamp_seconds')).toBe(
      Date.parse(`${t.platform.clock.businessDate()}T00:00:00+08:00`) / 1000,
    );
  });

  it('follows the day-close: each step’s time and rows, the position, the business date', async () => {
    const date = t.platform.clock.businessDate();
    const before = await scrape();
    await t.platform.batch.close('metrics-test');
    const after = await scrape();
    const steps = t.platform.batch.steps().length;
    expect(total(after, 'netfin_day_close_steps')).toBe(steps);
    expect(total(after, 'netfin_day_close_step_position')).toBe(steps);
    expect(total(after, 'netfin_day_close_running_date_timestamp_seconds')).toBe(0);
    expect(total(after, 'netfin_day_close_last_finished_timestamp_seconds')).toBeGreaterThan(0);
    const chunks = 'netfin_day_close_chunk_duration_seconds_count';
    expect(total(after, chunks) - total(before, chunks)).toBeGreaterThanOrEqual(steps);
    expect(total(after, chunks, { step: 'payments.reconcile' })).toBeGreaterThanOrEqual(1);
    expect(total(after, 'netfin_business_date_timestamp_seconds')).toBe(
      Date.parse(`${date}T00:00:00+08:00`) / 1000 + 86_400,
    );
  });

  it('is served without credentials on a port of its own, and nothing else is', async () => {
    const server = await startMetricsServer(t.platform.metrics, 0, '127.0.0.1');
    try {
      const response = await fetch(server.url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(await response.text()).toContain('# TYPE netfin_http_request_duration_seconds histogram');
      const other = await fetch(server.url.replace('/metrics', '/v1/me/wallet'));
      expect(other.status).toBe(404);
      expect(((await other.json()) as { error: { code: string } }).error.code).toBe('not_found');
      expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
    } finally {
      await server.close();
    }
  });
});

describe('GET /readyz', () => {
  it('is ready when the schema is the one this version ships, and 503 while a migration is missing', async () => {
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode, ready.body).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', migrations: expect.any(Number) });

    const latest = await sql<{ id: string; checksum: string; applied_at: Date }>`
      select id, checksum, applied_at from schema_migrations order by id desc limit 1`.execute(t.platform.db);
    const row = latest.rows[0]!;
    await sql`delete from schema_migrations where id = ${row.id}`.execute(t.platform.db);
    try {
      const pending = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(pending.statusCode).toBe(503);
      expect(pending.json().error).toMatchObject({
        code: 'migrations_pending',
        details: { missing: [row.id] },
      });
    } finally {
      await sql`insert into schema_migrations (id, checksum, applied_at)
                values (${row.id}, ${row.checksum}, ${row.applied_at})`.execute(t.platform.db);
    }
    await sql`insert into schema_migrations (id, checksum) values ('9999_from_a_newer_netfin', 'x')`.execute(
      t.platform.db,
    );
    try {
      const newer = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(newer.statusCode).toBe(503);
      expect(newer.json().error.code).toBe('migrations_unknown');
    } finally {
      await sql`delete from schema_migrations where id = '9999_from_a_newer_netfin'`.execute(t.platform.db);
    }
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('is 503 database_unavailable once the database is closed', async () => {
    const other = await openTestApp();
    try {
      await other.platform.close();
      const closed = await other.app.inject({ method: 'GET', url: '/readyz' });
      expect(closed.statusCode).toBe(503);
      expect(closed.json().error.code).toBe('database_unavailable');
    } finally {
      await other.close();
    }
  });
});
