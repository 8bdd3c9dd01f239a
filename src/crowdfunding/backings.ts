import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import { conflict, invalid, notFound, ruleViolation, uuidv7 } from '../kernel/index.ts';
import { TransferFlag } from '../ledger/index.ts';
import { CrowdfundingCode, CURRENCY, post, projectAccount } from './accounts.ts';
import type { CrowdfundingContext } from './context.ts';
import { type ProjectRow, phaseOf, projectRow } from './model.ts';

export const BACKING_STATUSES = ['held', 'cancelled', 'collected', 'released'] as const;
export type BackingStatus = (typeof BACKING_STATUSES)[number];
export const DELIVERY_STATES = ['pending', 'shipped', 'delivered'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export interface Backing {
  readonly id: string;
  readonly projectId: string;
  readonly backerId: string;
  readonly tierId: string | null;
  readonly amount: bigint;
  readonly status: BackingStatus;
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

export const BACKING_COLUMNS = sql`id, project_id, backer_id, tier_id, amount, status, hold_transfer_id, refunded,
  settled_on::text as settled_on, address_enc, delivery, carrier, tracking, shipped_at, delivered_at, created_at`;

export const backingOf = (r: BackingRow): Backing => ({
  id: r.id,
  projectId: r.project_id,
  backerId: r.backer_id,
  tierId: r.tier_id,
  amount: r.amount,
  status: r.status,
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
function checkLive(context: CrowdfundingContext, project: ProjectRow): void {
  const now = context.clock.now();
  if (phaseOf(project, now) !== 'live' || !project.deadline_at || project.deadline_at <= now)
    throw conflict('project_not_live', 'this project is not taking backings', { status: project.status });
}

export interface BackInput {
  readonly tierId?: string | undefined;
  /** Without a tier: the amount given without a reward. */
  readonly amount?: bigint | undefined;
  readonly paymentPassword: string;
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
  await context.identity.kyc.checkPaymentPassword(backerId, input.paymentPassword);
  return inTransaction(context.db, async (trx) => {
    const project = await projectRow(trx, projectId, true);
    checkLive(context, project);
    if (project.creator_id === backerId)
      throw ruleViolation('own_project', 'you cannot back your own project');
    let amount: bigint;
    if (input.tierId !== undefined) {
      const taken = await sql<{ price: bigint }>`update crowdfunding_tiers set sold = sold + 1
        where id = ${input.tierId}::uuid and project_id = ${projectId}::uuid and (quantity is null or sold < quantity)
        returning price`.execute(trx);
      if (!taken.rows[0]) {
        const exists = await sql`select 1 from crowdfunding_tiers where id = ${input.tierId}::uuid
          and project_id = ${projectId}::uuid`.execute(trx);
        if (exists.rows.length === 0) throw notFound('tier_not_found', 'no such reward tier on this project');
        throw conflict('tier_sold_out', 'this reward tier is sold out');
      }
      amount = taken.rows[0].price;
    } else amount = input.amount!;
    const wallet = await context.payments.walletAccount(trx, backerId, { lock: true });
    const id = uuidv7();
    const holdId = `cf:backing:${id}`;
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
    const now = context.clock.now();
    const rows =
      await sql<BackingRow>`insert into crowdfunding_backings (id, project_id, backer_id, tier_id, amount, status,
        hold_transfer_id, created_at, updated_at)
      values (${id}, ${projectId}, ${backerId}, ${input.tierId ?? null}, ${amount}, 'held', ${holdId}, ${now}, ${now})
      returning ${BACKING_COLUMNS}`.execute(trx);
    await sql`update crowdfunding_projects set pledged = pledged + ${amount},
        backers = backers + ${earlier.rows.length === 0 ? 1 : 0}, updated_at = ${now}
      where id = ${projectId}::uuid`.execute(trx);
    return backingOf(rows.rows[0]!);
  });
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
