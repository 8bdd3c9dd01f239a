import type { Executor } from '../../db/index.ts';
import { sharedAddresses, sharedCards } from '../../identity/index.ts';
import { addDays, BUSINESS_TIME_ZONE, dateInZone, daysBetween, type PlainDate } from '../../kernel/index.ts';
import { amlDisbursements } from '../../lending/index.ts';
import {
  amlMovements,
  type CustomerPart,
  customersInPart,
  lastMovementBefore,
} from '../../payments/index.ts';
import { declaredIncomes, sharedDevices } from '../../risk/index.ts';

/**
 * What the rules see of a customer on a business date, gathered set-based from the contexts that own
 * the data: payments' orders, lending's disbursements, risk's declared incomes and devices, identity's
 * cards and sessions. Wealth products do not exist yet; when they do, purchases and redemptions join
 * the movements here (money out and in) and nothing else changes.
 *
 * Time windows are structural (the day, 3 days, 24 hours, 30 days) and live here; amounts, counts
 * and ratios are the rules' and live in the decision table.
 */
export interface AmlMovement {
  readonly userId: string;
  readonly ref: string;
  readonly kind: string;
  readonly direction: 'in' | 'out';
  readonly amount: bigint;
  readonly at: Date;
  readonly businessDate: PlainDate;
}

export interface CustomerFacts {
  readonly userId: string;
  /** Handed to the decision table: amounts in integer cents, ratios in basis points. */
  readonly input: Record<string, unknown>;
  /** Movements per window, for the evidence. */
  readonly today: AmlMovement[];
  readonly lastThreeDays: AmlMovement[];
  readonly rapid: AmlMovement[];
  readonly lastThirtyDays: AmlMovement[];
  readonly shared: { kind: string; key: string; userIds: readonly string[] } | null;
  readonly lastMovementDate: PlainDate | null;
}

/** Kinds that move cash between netfin and the outside world. */
const CASH_LIKE = new Set(['top_up', 'withdrawal', 'loan_disbursed']);
const RAPID_IN = new Set(['top_up', 'transfer_in', 'loan_disbursed']);
const RAPID_OUT = new Set(['withdrawal', 'transfer_out']);
const DAY_MS = 86_400_000;
/** Shared identifiers smaller than this are not worth a rule's look. */
const SHARED_FLOOR = 2;

/** Cents as a number the engine compares exactly (every integer up to 2^53 is exact). */
export const exact = (cents: bigint): number =>
  cents > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(cents);

const sum = (moves: readonly AmlMovement[]) => moves.reduce((total, m) => total + m.amount, 0n);

export async function gatherFacts(
  db: Executor,
  date: PlainDate,
  accountCreated: (userIds: readonly string[]) => Promise<Map<string, Date>>,
  now: Date,
  part: CustomerPart = { index: 0, of: 1 },
): Promise<CustomerFacts[]> {
  const from = addDays(date, -29);
  const [payments, loans, cards, addresses, devices] = await Promise.all([
    amlMovements(db, { from, to: date, activeOn: date, part }),
    amlDisbursements(db, { from, to: date }),
    sharedCards(db, SHARED_FLOOR),
    sharedAddresses(db, SHARED_FLOOR, new Date(now.getTime() - 90 * DAY_MS)),
    sharedDevices(db, SHARED_FLOOR),
  ]);
  const byUser = new Map<string, AmlMovement[]>();
  const add = (m: AmlMovement) => {
    const list = byUser.get(m.userId) ?? [];
    list.push(m);
    byUser.set(m.userId, list);
  };
  for (const m of payments) add(m);
  const byPayments = new Set(byUser.keys());
  const disbursedToday = new Set(loans.filter((l) => l.businessDate === date).map((l) => l.userId));

  // The largest group of accounts each customer shares an identifier with.
  const shared = new Map<string, { kind: string; key: string; userIds: readonly string[] }>();
  for (const group of [...cards, ...devices, ...addresses])
    for (const userId of group.userIds) {
      const known = shared.get(userId);
      if (!known || known.userIds.length < group.userIds.length) shared.set(userId, group);
    }

  // Payments' query kept only this part's customers; those found by a loan paid out today or by a
  // shared identifier are sorted into parts here.
  const candidates = new Set([...byPayments, ...disbursedToday, ...shared.keys()]);
  const inPart = await customersInPart(
    db,
    [...candidates].filter((id) => !byPayments.has(id)),
    part,
  );
  const customers = [...candidates].filter((id) => byPayments.has(id) || inPart.has(id)).sort();
  // Active today: a movement or a loan paid out. A loan paid out is money in for the rules.
  const active = new Set(customers.filter((id) => byPayments.has(id) || disbursedToday.has(id)));
  for (const l of loans)
    if (active.has(l.userId)) add({ ...l, ref: l.loanId, kind: 'loan_disbursed', direction: 'in' });
  const [last, incomes, created] = await Promise.all([
    lastMovementBefore(db, [...active], date),
    declaredIncomes(db, customers),
    accountCreated(customers),
  ]);

  return customers.map((userId) => {
    const moves = (byUser.get(userId) ?? []).sort((a, b) => a.at.getTime() - b.at.getTime());
    const today = moves.filter((m) => m.businessDate === date);
    const threeDaysFrom = addDays(date, -2);
    const lastThreeDays = moves.filter((m) => m.businessDate >= threeDaysFrom);
    const rapid = rapidInOut(moves, addDays(date, -1));
    const lastMovement = last.get(userId) ?? null;
    const since = lastMovement ?? dateOf(created.get(userId) ?? now);
    const group = shared.get(userId) ?? null;
    return {
      userId,
      input: {
        cashToday: exact(sum(today.filter((m) => CASH_LIKE.has(m.kind)))),
        movementsToday: exact(sum(today)),
        recentAmounts: lastThreeDays.map((m) => exact(m.amount)),
        rapidInCents: exact(rapid.in?.amount ?? 0n),
        rapidOutBp: rapid.outBp,
        rapidOthers: rapid.others,
        sharedAccounts: group?.userIds.length ?? 0,
        sharedKind: group?.kind ?? null,
        idleDays: today.length > 0 ? Math.max(0, daysBetween(since, date)) : 0,
        movements30d: exact(sum(moves)),
        declaredIncome: exact(incomes.get(userId) ?? 0n),
      },
      today,
      lastThreeDays,
      rapid: rapid.in ? [rapid.in, ...rapid.outs] : [],
      lastThirtyDays: moves,
      shared: group,
      lastMovementDate: lastMovement,
    };
  });
}

const dateOf = (instant: Date): PlainDate => dateInZone(instant, BUSINESS_TIME_ZONE);

/**
 * Of the money that came in since `from`, the movement most of which left again within 24 hours:
 * the share that left (basis points, rounded down, so 89.99% never reads as 90%) and how many other
 * movements happened in those 24 hours.
 */
function rapidInOut(moves: readonly AmlMovement[], from: PlainDate) {
  let best: { in: AmlMovement | null; outs: AmlMovement[]; outBp: number; others: number } = {
    in: null,
    outs: [],
    outBp: 0,
    others: 0,
  };
  for (const incoming of moves) {
    if (!RAPID_IN.has(incoming.kind) || incoming.businessDate < from) continue;
    const start = incoming.at.getTime();
    const within = moves.filter(
      (m) => m !== incoming && m.at.getTime() >= start && m.at.getTime() <= start + DAY_MS,
    );
    const outs = within.filter((m) => RAPID_OUT.has(m.kind));
    const outBp = Number((sum(outs) * 10_000n) / incoming.amount);
    if (outBp > best.outBp || (outBp === best.outBp && best.in && incoming.amount > best.in.amount))
      best = { in: incoming, outs, outBp, others: within.length - outs.length };
  }
  return best;
}
