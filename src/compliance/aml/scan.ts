import { sql } from 'kysely';
import { type Executor, RetryableError } from '../../db/index.ts';
import { addDays, type PlainDate, uuidv7 } from '../../kernel/index.ts';
import type { RuleCode } from './default-rules.ts';
import type { AmlMovement, CustomerFacts } from './facts.ts';
import type { RuleSet } from './rule-sets.ts';

/**
 * Turns the rules that fired into alerts, and alerts into cases. An alert is unique per rule,
 * customer and window, so a scan run twice for a date opens nothing new. A rule that looks back over
 * several days does not fire again for a customer while an alert of it from within that window
 * stands: the same structured deposits seen on three successive days are one alert, not three.
 */
const LOOK_BACK_DAYS: Record<RuleCode, number> = {
  large_cash: 1,
  structuring: 3,
  rapid_in_out: 2,
  shared_identifier: 1,
  dormant_reactivated: 1,
  income_mismatch: 30,
};

export interface Fired {
  readonly facts: CustomerFacts;
  readonly rule: RuleCode;
  readonly output: Record<string, unknown>;
}

const movementJson = (m: AmlMovement) => ({
  ref: m.ref,
  kind: m.kind,
  direction: m.direction,
  amount: m.amount.toString(),
  at: m.at.toISOString(),
  businessDate: m.businessDate,
});

/** The transactions (and accounts) that make the case for an alert. */
function evidenceOf(fired: Fired) {
  const { facts, rule } = fired;
  const moves =
    rule === 'large_cash' || rule === 'dormant_reactivated'
      ? facts.today
      : rule === 'structuring'
        ? facts.lastThreeDays
        : rule === 'rapid_in_out'
          ? facts.rapid
          : rule === 'income_mismatch'
            ? facts.lastThirtyDays.slice(-200)
            : [];
  return {
    transactions: moves.map(movementJson),
    sharedAccounts:
      rule === 'shared_identifier' && facts.shared
        ? { kind: facts.shared.kind, key: facts.shared.key, userIds: facts.shared.userIds }
        : null,
    lastMovementDate: rule === 'dormant_reactivated' ? facts.lastMovementDate : null,
  };
}

function windowKey(fired: Fired, date: PlainDate): string {
  if (fired.rule === 'shared_identifier' && fired.facts.shared)
    return `${fired.facts.shared.kind}:${fired.facts.shared.key}`;
  return date;
}

/**
 * The customer's case in work, opened if there is none. Another scan of the same customer (an
 * officer's, while day-close runs) may open it first: then this one waits for it at the unique index,
 * and joins the case it opened.
 */
export async function openOrJoinCase(
  trx: Executor,
  customerId: string,
  portrait: Record<string, unknown>,
  now: Date,
): Promise<string> {
  const inserted = await sql<{ id: string }>`
    insert into aml_cases (id, customer_id, status, portrait, opened_at, updated_at)
    values (${uuidv7()}, ${customerId}, 'open', ${JSON.stringify(portrait)}::jsonb, ${now}, ${now})
    on conflict (customer_id) where status in ('open', 'monitoring') do nothing
    returning id`.execute(trx);
  const id =
    inserted.rows[0]?.id ??
    (
      await sql<{ id: string }>`
        select id from aml_cases where customer_id = ${customerId}::uuid and status in ('open', 'monitoring')
        for update`.execute(trx)
    ).rows[0]?.id;
  if (!id) throw new RetryableError('a case of the customer was closed while this scan joined it');
  return id;
}

export interface OpenedAlert {
  readonly alertId: string;
  readonly customerId: string;
  readonly rule: RuleCode;
  readonly caseId: string;
}

/**
 * Writes the alerts (and opens or joins cases) in the caller's transaction. `portraitOf` is asked
 * only for customers who need a new case.
 */
export async function openAlerts(
  trx: Executor,
  ruleSet: RuleSet,
  date: PlainDate,
  fired: readonly Fired[],
  now: Date,
  portraitOf: (userIds: readonly string[]) => Promise<Map<string, Record<string, unknown>>>,
): Promise<OpenedAlert[]> {
  if (fired.length === 0) return [];
  // Alerts still standing silence the same rule for the same customer: the look-back rules' within
  // their windows, a shared identifier's for good (a customer keeps sharing the card).
  const standing = await sql<{
    rule_code: string;
    customer_id: string;
    business_date: string;
    window_key: string;
  }>`
    select rule_code, customer_id, business_date::text, window_key from aml_alerts
    where customer_id = any(${[...new Set(fired.map((f) => f.facts.userId))]}::uuid[])
      and (business_date > ${addDays(date, -30)}::date or rule_code = 'shared_identifier')`.execute(trx);
  const silenced = (f: Fired) =>
    standing.rows.some(
      (a) =>
        a.rule_code === f.rule &&
        a.customer_id === f.facts.userId &&
        (a.window_key === windowKey(f, date) ||
          (f.rule !== 'shared_identifier' &&
            a.business_date > addDays(date, -LOOK_BACK_DAYS[f.rule]) &&
            a.business_date <= date)),
    );
  const fresh = fired.filter((f) => !silenced(f));
  if (fresh.length === 0) return [];

  const customers = [...new Set(fresh.map((f) => f.facts.userId))];
  const open = await sql<{ id: string; customer_id: string }>`
    select id, customer_id from aml_cases
    where customer_id = any(${customers}::uuid[]) and status in ('open', 'monitoring') for update`.execute(
    trx,
  );
  const caseOf = new Map(open.rows.map((r) => [r.customer_id, r.id]));
  const needing = customers.filter((c) => !caseOf.has(c));
  const portraits = await portraitOf(needing);
  for (const customerId of needing)
    caseOf.set(customerId, await openOrJoinCase(trx, customerId, portraits.get(customerId) ?? {}, now));

  const opened: OpenedAlert[] = [];
  for (const f of fresh) {
    const id = uuidv7();
    const caseId = caseOf.get(f.facts.userId)!;
    const written = await sql`
      insert into aml_alerts (id, rule_code, rule_set_id, rule_set_version, customer_id, business_date, window_key,
                              facts, evidence, case_id, created_at)
      values (${id}, ${f.rule}, ${ruleSet.id}, ${ruleSet.version}, ${f.facts.userId}, ${date}::date, ${windowKey(f, date)},
              ${JSON.stringify({ ...f.facts.input, output: f.output })}::jsonb, ${JSON.stringify(evidenceOf(f))}::jsonb,
              ${caseId}, ${now})
      on conflict (rule_code, customer_id, window_key) do nothing`.execute(trx);
    if (written.numAffectedRows === 1n)
      opened.push({ alertId: id, customerId: f.facts.userId, rule: f.rule, caseId });
  }
  await sql`update aml_cases set updated_at = ${now} where id = any(${[...new Set(opened.map((o) => o.caseId))]}::uuid[])`.execute(
    trx,
  );
  return opened;
}
