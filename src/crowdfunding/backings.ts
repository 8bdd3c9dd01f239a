import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import { assert, conflict, invalid, notFound, ruleViolation, uuidv7 } from '../kernel/index.ts';
import { TransferFlag } from '../ledger/index.ts';
import type { Order } from '../payments/index.ts';
import { CrowdfundingCode, CURRENCY, post, projectAccount } from './accounts.ts';
import type { CrowdfundingContext } from './context.ts';
import { type ProjectRow, phaseOf, projectRow } from './model.ts';

/**
 * A backing's life: from the wallet it is `held` at once; by card it is `awaiting_payment` until the
 * channel's answer settles its top-up, then `held`, or `failed` (BACKING_FAILURE_REASONS). A held
 * backing is `cancelled` by the backer, or settled with its project: `collected` or `released`.
 */
export const BACKING_STATUSES = [
  'awaiting_payment',
  'held',
  'cancelled',
  'collected',
  'released',
  'failed',
] as const;
export type BackingStatus = (typeof BACKING_STATUSES)[number];
export const DELIVERY_STATES = ['pending', 'shipped', 'delivered'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** Why a backing by card failed, as the backer reads it; where money came in, it stays in the wallet. */
export const BACKING_FAILURE_REASONS = {
  payment_failed: {
    en: 'The card payment did not go through; nothing was taken.',
    zh: '银行卡支付未成功，未扣款。',
  },
  tier_sold_out: {
    en: 'The reward tier sold out while your payment was on its way; the money is in your wallet.',
    zh: '付款期间该回报档位已售罄，款项已存入您的钱包。',
  },
  project_closed: {
    en: 'The project stopped taking backings while your payment was on its way; the money is in your wallet.',
    zh: '付款期间项目已停止筹款，款项已存入您的钱包。',
  },
} as const;
export type BackingFailureReason = keyof typeof BACKING_FAILURE_REASONS;

export interface Backing {
  readonly id: string;
  readonly projectId: string;
  readonly backerId: string;
  readonly tierId: string | null;
  readonly amount: bigint;
  readonly status: BackingStatus;
  /** The card top-up that pays it (null: paid from the wallet). */
  readonly paymentOrderId: string | null;
  readonly failureReason: BackingFailureReason | null;
  readonly refunded: bigint;
  readonly settledOn: string | null;
  readonly hasAddress: boolean;
  readonly delivery: DeliveryState;
  readonly carrier: string | null;
  readonly tracking: string | null;
  readonly shippedAt: Date | null;
  readonly deliveredAt: Date | null;
  readonly createdAt: Date;
}

export interface BackingRow {
  id: string;
  project_id: string;
  backer_id: string;
  tier_id: string | null;
  amount: bigint;
  status: BackingStatus;
  hold_transfer_id: string;
  payment_order_id: string | null;
  failure_reason: BackingFailureReason | null;
  refunded: bigint;
  settled_on: string | null;
  address_enc: string | null;
  delivery: DeliveryState;
  carrier: string | null;
  tracking: string | null;
  shipped_at: Date | null;
  delivered_at: Date | null;
  created_at: Date;
}

export const BACKING_COLUMNS = sql`id, project_id, backer_id, tier_id, amount, status, hold_transfer_id, payment_order_id,
  failure_reason, refunded, settled_on::text as settled_on, address_enc, delivery, carrier, tracking, shipped_at,
  delivered_at, created_at`;

export const backingOf = (r: BackingRow): Backing => ({
  id: r.id,
  projectId: r.project_id,
  backerId: r.backer_id,
  tierId: r.tier_id,
  amount: r.amount,
  status: r.status,
  paymentOrderId: r.payment_order_id,
  failureReason: r.failure_reason,
  refunded: r.refunded,
  settledOn: r.settled_on,
  hasAddress: r.address_enc !== null,
  delivery: r.delivery,
  carrier: r.carrier,
  tracking: r.tracking,
  shippedAt: r.shipped_at,
  deliveredAt: r.delivered_at,
  createdAt: r.created_at,
});

export async function backingRow(db: Executor, id: string, lock = false): Promise<BackingRow> {
  const rows =
    await sql<BackingRow>`select ${BACKING_COLUMNS} from crowdfunding_backings where id = ${id}::uuid
    ${lock ? sql`for update` : sql``}`.execute(db);
  if (!rows.rows[0]) throw notFound('backing_not_found', 'no such backing');
  return rows.rows[0];
}

/** A project takes backings from its launch until its deadline, until day-close settles it. */
function isLive(context: CrowdfundingContext, project: ProjectRow): boolean {
  const now = context.clock.now();
  return phaseOf(project, now) === 'live' && project.deadline_at !== null && project.deadline_at > now;
}

function checkLive(context: CrowdfundingContext, project: ProjectRow): void {
  if (!isLive(context, project))
    throw conflict('project_not_live', 'this project is not taking backings', { status: project.status });
}

export interface BackInput {
  readonly tierId?: string | undefined;
  /** Without a tier: the amount given without a reward. */
  readonly amount?: bigint | undefined;
  readonly paymentPassword: string;
}

/** What a backing is (a tier or an amount, not below the smallest gift) and who may make it. */
async function checkBacking(
  context: CrowdfundingContext,
  backerId: string,
  input: { tierId?: string | undefined; amount?: bigint | undefined },
): Promise<void> {
  if (input.tierId === undefined && input.amount === undefined)
    throw invalid('tier_or_amount_required', 'pick a reward tier or give an amount without one');
  if (input.tierId !== undefined && input.amount !== undefined)
    throw invalid('tier_or_amount_required', 'a backing is a tier or an amount, not both');
  if (input.amount !== undefined && input.amount < context.settings.minPledge)
    throw ruleViolation('below_minimum_pledge', 'that is below the smallest amount one may give', {
      minPledge: context.settings.minPledge.toString(),
    });
  const standing = await context.identity.kyc.identityFacts(backerId);
  if (standing.kycLevel < 1)
    throw ruleViolation('kyc_required', 'verify your identity before you back a project');
}

/**
 * Takes one unit of a tier with a conditional update (a limited tier never sells more than its
 * quantity, however many backers race for it) and returns its price, or why not.
 */
async function takeTier(
  trx: Executor,
  projectId: string,
  tierId: string,
): Promise<bigint | 'tier_sold_out' | 'tier_not_found'> {
  const taken = await sql<{ price: bigint }>`update crowdfunding_tiers set sold = sold + 1
    where id = ${tierId}::uuid and project_id = ${projectId}::uuid and (quantity is null or sold < quantity)
    returning price`.execute(trx);
  if (taken.rows[0]) return taken.rows[0].price;
  const exists = await sql`select 1 from crowdfunding_tiers where id = ${tierId}::uuid
    and project_id = ${projectId}::uuid`.execute(trx);
  return exists.rows.length === 0 ? 'tier_not_found' : 'tier_sold_out';
}

/**
 * With the project's row locked: the pending transfer wallet → holds (its id `cf:backing:<id>`) and
 * the project's counters (a backer counts once however many backings they hold). Call it before the
 * backing's own row says 'held'.
 */
async function holdMoney(
  context: CrowdfundingContext,
  trx: Executor,
  projectId: string,
  backerId: string,
  backingId: string,
  amount: bigint,
): Promise<string> {
  const wallet = await context.payments.walletAccount(trx, backerId, { lock: true });
  const holdId = `cf:backing:${backingId}`;
  await post(context.ledger, trx, [
    {
      id: holdId,
      debitAccountId: wallet,
      creditAccountId: projectAccount.holds(projectId),
      amount,
      ledger: CURRENCY,
      code: CrowdfundingCode.back,
      userData: projectId,
      flags: TransferFlag.pending,
    },
  ]);
  const earlier = await sql`select 1 from crowdfunding_backings where project_id = ${projectId}::uuid
    and backer_id = ${backerId}::uuid and status = 'held' limit 1`.execute(trx);
  await sql`update crowdfunding_projects set pledged = pledged + ${amount},
      backers = backers + ${earlier.rows.length === 0 ? 1 : 0}, updated_at = ${context.clock.now()}
    where id = ${projectId}::uuid`.execute(trx);
  return holdId;
}

/**
 * Backs a live project from the wallet: the payment password first (outside the transaction, as
 * every wallet payment checks it), then in one transaction with the project's row locked FOR UPDATE
 * (backings of one project and its settlement one at a time): a limited tier's sold count taken by a
 * conditional update (a sold-out tier refuses before any money moves), the pending transfer wallet →
 * holds, the backing's row and the project's counters.
 */
export async function back(
  context: CrowdfundingContext,
  backerId: string,
  projectId: string,
  input: BackInput,
): Promise<Backing> {
  await checkBacking(context, backerId, input);
  await context.identity.kyc.checkPaymentPassword(backerId, input.paymentPassword);
  return inTransaction(context.db, async (trx) => {
    const project = await projectRow(trx, projectId, true);
    checkLive(context, project);
    if (project.creator_id === backerId)
      throw ruleViolation('own_project', 'you cannot back your own project');
    let amount: bigint;
    if (input.tierId !== undefined) {
      const taken = await takeTier(trx, projectId, input.tierId);
      if (taken === 'tier_not_found') throw notFound('tier_not_found', 'no such reward tier on this project');
      if (taken === 'tier_sold_out') throw conflict('tier_sold_out', 'this reward tier is sold out');
      amount = taken;
    } else amount = input.amount!;
    const id = uuidv7();
    const holdId = await holdMoney(context, trx, projectId, backerId, id, amount);
    const now = context.clock.now();
    const rows =
      await sql<BackingRow>`insert into crowdfunding_backings (id, project_id, backer_id, tier_id, amount, status,
        hold_transfer_id, created_at, updated_at)
      values (${id}, ${projectId}, ${backerId}, ${input.tierId ?? null}, ${amount}, 'held', ${holdId}, ${now}, ${now})
      returning ${BACKING_COLUMNS}`.execute(trx);
    return backingOf(rows.rows[0]!);
  });
}

export interface BackByCardInput {
  readonly tierId?: string | undefined;
  readonly amount?: bigint | undefined;
  /** One of the backer's bound cards. */
  readonly cardId: string;
}

/**
 * Backs a live project by card through the payment channel: a top-up order for the exact amount goes
 * to the channel, and the backing is recorded with it ('awaiting_payment') in the order's
 * transaction, so that no answer from the channel can come before it. The project, the backer and
 * the tier are checked now (a card is not charged for what would be refused now) but no unit of the
 * tier is taken: when the channel's answer settles the top-up, completeCardBacking makes the hold in
 * that transaction, or records why not, the money then staying in the wallet. No payment password:
 * the card's own payment authenticates, as for any top-up.
 */
export async function backByCard(
  context: CrowdfundingContext,
  backerId: string,
  projectId: string,
  input: BackByCardInput,
): Promise<{ backing: Backing; order: Order }> {
  await checkBacking(context, backerId, input);
  const project = await projectRow(context.db, projectId);
  checkLive(context, project);
  if (project.creator_id === backerId) throw ruleViolation('own_project', 'you cannot back your own project');
  let amount: bigint;
  if (input.tierId !== undefined) {
    const tiers = await sql<{
      price: bigint;
      quantity: number | null;
      sold: number;
    }>`select price, quantity, sold
      from crowdfunding_tiers where id = ${input.tierId}::uuid and project_id = ${projectId}::uuid`.execute(
      context.db,
    );
    const tier = tiers.rows[0];
    if (!tier) throw notFound('tier_not_found', 'no such reward tier on this project');
    if (tier.quantity !== null && tier.sold >= tier.quantity)
      throw conflict('tier_sold_out', 'this reward tier is sold out');
    amount = tier.price;
  } else amount = input.amount!;
  const id = uuidv7();
  const order = await context.payments.topUp(
    backerId,
    { amount, cardId: input.cardId },
    {
      description: `众筹支持「${project.title}」 / Backing "${project.title}"`,
      withOrder: async (trx, order) => {
        const now = context.clock.now();
        await sql`insert into crowdfunding_backings (id, project_id, backer_id, tier_id, amount, status,
            hold_transfer_id, payment_order_id, created_at, updated_at)
          values (${id}, ${projectId}, ${backerId}, ${input.tierId ?? null}, ${amount}, 'awaiting_payment',
            ${`cf:backing:${id}`}, ${order.id}, ${now}, ${now})`.execute(trx);
      },
    },
  );
  return { backing: backingOf(await backingRow(context.db, id)), order };
}

/**
 * Payments' onTopUpSettled, in the transaction that makes a top-up final: the backing that waits for
 * this order, if any, is held (the project's row locked, the tier's unit taken, the pending transfer
 * from the wallet the top-up has just credited) or failed with its reason: the payment failed, the
 * tier sold out or the project closed meanwhile. In the last two cases the money stays in the wallet
 * and the backer is told by SMS. It throws nothing of the customer's (that would undo the top-up).
 */
export async function completeCardBacking(
  context: CrowdfundingContext,
  trx: Executor,
  order: Order,
): Promise<void> {
  const waiting = await sql<BackingRow>`select ${BACKING_COLUMNS} from crowdfunding_backings
    where payment_order_id = ${order.id}::uuid and status = 'awaiting_payment' for update`.execute(trx);
  const backing = waiting.rows[0];
  if (!backing) return;
  const now = context.clock.now();
  const fail = async (reason: BackingFailureReason, title: string | null) => {
    await sql`update crowdfunding_backings set status = 'failed', failure_reason = ${reason}, updated_at = ${now}
      where id = ${backing.id}::uuid`.execute(trx);
    if (title === null) return;
    const reach = await context.identity.reachOf([backing.backer_id], trx);
    const text = BACKING_FAILURE_REASONS[reason];
    await context.identity.notifier.enqueueMany(
      trx,
      [...reach.values()].map((p) => ({
        channel: 'sms' as const,
        recipient: p.phone,
        template: 'crowdfunding.backing_failed',
        body: `【netfin】您对「${title}」的支持未成功：${text.zh} / Your backing of "${title}" did not go through: ${text.en}`,
      })),
    );
  };
  if (order.status !== 'succeeded') return fail('payment_failed', null);
  assert(order.amount === backing.amount, 'a card backing is paid by a top-up of its exact amount');
  const project = await projectRow(trx, backing.project_id, true);
  if (!isLive(context, project)) return fail('project_closed', project.title);
  if (backing.tier_id !== null) {
    const taken = await takeTier(trx, project.id, backing.tier_id);
    if (typeof taken !== 'bigint') return fail('tier_sold_out', project.title);
    assert(taken === backing.amount, "a launched project's tier keeps its price");
  }
  await holdMoney(context, trx, project.id, backing.backer_id, backing.id, backing.amount);
  await sql`update crowdfunding_backings set status = 'held', updated_at = ${now}
    where id = ${backing.id}::uuid`.execute(trx);
}

/** The backer cancels a held backing before the cut-off: the hold is voided, the tier's unit given back. */
export async function cancelBacking(
  context: CrowdfundingContext,
  backerId: string,
  backingId: string,
): Promise<Backing> {
  const first = await backingRow(context.db, backingId);
  if (first.backer_id !== backerId) throw notFound('backing_not_found', 'no such backing');
  return inTransaction(context.db, async (trx) => {
    const project = await projectRow(trx, first.project_id, true);
    const backing = await backingRow(trx, backingId, true);
    if (backing.status !== 'held')
      throw conflict('backing_not_held', 'only a backing still held can be cancelled', {
        status: backing.status,
      });
    const now = context.clock.now();
    const cutOff = new Date(project.deadline_at!.getTime() - context.settings.cancelCutOffHours * 3_600_000);
    if (project.status !== 'scheduled' || now >= cutOff)
      throw ruleViolation(
        'cancel_cut_off_passed',
        `backings cannot be cancelled in the last ${context.settings.cancelCutOffHours} hours`,
        {
          cutOff: cutOff.toISOString(),
        },
      );
    await post(context.ledger, trx, [
      {
        id: `${backing.hold_transfer_id}:void`,
        pendingId: backing.hold_transfer_id,
        amount: backing.amount,
        ledger: CURRENCY,
        code: CrowdfundingCode.back,
        userData: project.id,
        flags: TransferFlag.voidPendingTransfer,
      },
    ]);
    if (backing.tier_id)
      await sql`update crowdfunding_tiers set sold = sold - 1 where id = ${backing.tier_id}::uuid`.execute(
        trx,
      );
    const rows =
      await sql<BackingRow>`update crowdfunding_backings set status = 'cancelled', updated_at = ${now}
      where id = ${backingId}::uuid returning ${BACKING_COLUMNS}`.execute(trx);
    const still = await sql`select 1 from crowdfunding_backings where project_id = ${project.id}::uuid
      and backer_id = ${backerId}::uuid and status = 'held' limit 1`.execute(trx);
    await sql`update crowdfunding_projects set pledged = pledged - ${backing.amount},
        backers = backers - ${still.rows.length === 0 ? 1 : 0}, updated_at = ${now}
      where id = ${project.id}::uuid`.execute(trx);
    return backingOf(rows.rows[0]!);
  });
}

export async function backingsOf(
  db: Executor,
  filter: { backerId?: string; projectId?: string },
): Promise<Backing[]> {
  const rows = await sql<BackingRow>`select ${BACKING_COLUMNS} from crowdfunding_backings where true
    ${filter.backerId ? sql`and backer_id = ${filter.backerId}::uuid` : sql``}
    ${filter.projectId ? sql`and project_id = ${filter.projectId}::uuid` : sql``}
    order by created_at desc, id desc limit 5000`.execute(db);
  return rows.rows.map(backingOf);
}
