import { sql } from 'kysely';
import { expect } from 'vitest';
import { BUSINESS_TIME_ZONE, dateInZone, type PlainDate, uuidv7 } from '../../src/kernel/index.ts';
import { minor } from './lending.ts';
import { asAdmin, type TestApp } from './platform.ts';

/**
 * Helpers for the anti-money-laundering scenarios. A history of payments is written as payments
 * records it: succeeded payment orders dated by the business calendar. Going through the channel
 * simulator for every top-up would make a 180-day history slow without testing anything AML reads
 * differently: the scan reads the orders, never the channel.
 */
export type Kind = 'top_up' | 'withdrawal' | 'transfer';

export async function movement(
  t: TestApp,
  input: { userId: string; kind: Kind; amount: string; at: string; to?: string },
): Promise<string> {
  const id = uuidv7();
  const at = new Date(input.at);
  const businessDate = dateInZone(at, BUSINESS_TIME_ZONE);
  await sql`
    insert into payment_orders (id, kind, status, user_id, counterparty_user_id, amount, currency, method, created_at,
                                updated_at, completed_at, business_date)
    values (${id}, ${input.kind}, 'succeeded', ${input.userId}, ${input.to ?? null}, ${minor(input.amount)}, 'CNY',
            ${input.kind === 'transfer' ? 'wallet' : 'card'}, ${at}, ${at}, ${at}, ${businessDate}::date)`.execute(
    t.platform.db,
  );
  return id;
}

/** Opens the business date (the clock's), so that a scan of it is allowed. */
export function openDate(t: TestApp, date: string): void {
  if (t.clock.businessDate() < date) t.clock.setBusinessDate(date as PlainDate);
}

export async function scan(t: TestApp, date: string, headers: Record<string, string> = asAdmin) {
  openDate(t, date);
  const response = await t.app.inject({ method: 'POST', url: '/v1/aml/scan', headers, payload: { date } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { opened: { customerId: string; rule: string; caseId: string }[] };
}

/** The rules that have fired for a customer, ever. */
export async function rulesFiredFor(t: TestApp, userId: string): Promise<string[]> {
  const rows = await sql<{ rule_code: string }>`
    select rule_code from aml_alerts where customer_id = ${userId}::uuid order by rule_code`.execute(
    t.platform.db,
  );
  return rows.rows.map((r) => r.rule_code);
}
