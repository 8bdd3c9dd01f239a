import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock, type PlainDate } from '../../src/kernel/index.ts';
import { GatewaySim } from '../../src/payments/index.ts';

/**
 * The simulated gateway books an order on the date its owner names (the demo: netfin's business
 * date, which runs months ahead of the wall clock's while the demo is written), and by default on
 * the calendar date in China; each day's statement lists that day's orders.
 */
const sims: GatewaySim[] = [];
afterAll(async () => {
  for (const sim of sims) await sim.close();
});

async function chargedOn(bookingDate?: () => PlainDate) {
  const clock = new ManualClock(new Date('2026-07-01T20:00:00Z')); // 04:00 on 2 July in China
  const sim = new GatewaySim({
    secret: 's',
    clock,
    retryBaseMs: 5,
    maxAttempts: 1,
    ...(bookingDate ? { bookingDate } : {}),
  });
  sims.push(sim);
  sim.control.silent = true;
  sim.control.latencyMs = 0;
  const url = await sim.listen();
  const orderId = '01999999-bbbb-7000-8000-000000000001';
  const created = await fetch(`${url}/v1/charges`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      account: 'netfin',
      orderId,
      amount: '12.34',
      currency: 'CNY',
      cardLast4: '1111',
      notifyUrl: 'http://127.0.0.1:9/none',
    }),
  });
  expect(created.status).toBe(200);
  for (let i = 0; i < 100 && sim.orders.get(orderId)?.completedAt === null; i++)
    await new Promise((resolve) => setTimeout(resolve, 5));
  const listed = async (date: string) =>
    (await (await fetch(`${url}/v1/statements/${date}`)).text()).includes(orderId);
  return listed;
}

describe('the simulated gateway books orders on a date', () => {
  it('on the calendar date in China by default', async () => {
    const listed = await chargedOn();
    expect(await listed('2026-07-02')).toBe(true);
    expect(await listed('2026-07-01')).toBe(false);
  });

  it('on the date its owner names', async () => {
    const listed = await chargedOn(() => '2026-03-16' as PlainDate);
    expect(await listed('2026-03-16')).toBe(true);
    expect(await listed('2026-07-02')).toBe(false);
  });
});
