import { sql } from 'kysely';
import { type Executor, inGroupTransaction, inTransaction } from '../db/index.ts';
import type { AuditContext } from '../identity/index.ts';
import {
  type Answer,
  CNY,
  conflict,
  DomainError,
  formatAmount,
  GroupCommit,
  notFound,
  type QueueObserver,
  ruleViolation,
  shuttingDown,
  uuidv7,
} from '../kernel/index.ts';
import { TransferFlag, type TransferInput } from '../ledger/index.ts';
import { walletAccountId } from '../payments/index.ts';
import { CURRENCY, LendingCode, loanAccount } from './accounts.ts';
import {
  type BidOutcome,
  bidInTransaction,
  checkListingOpen,
  checkStanding,
  raisedFor,
  sizeBid,
} from './bids.ts';
import type { AcceptanceOf } from './contract-hooks.ts';
import { afterFull } from './disbursement.ts';
import { findLoan, getLoan, type LendingContext, type Loan } from './loans.ts';

/**
 * Group commit for the bids on one listing. A hot listing is one row that every bid must lock, so
 * one transaction per bid caps a listing at one commit's worth of bids at a time. The queue takes
 * the bids that arrive while a batch is being written and writes them together: the listing locked
 * once, each bid sized in arrival order exactly as a lone bid would be (minimum, step, what remains,
 * the investor's cap, the wallet's available money), the frozen amounts posted as pending transfers
 * in one ledger call and the bids inserted in one statement, one commit. Each bid still gets its own
 * answer. If the batch's transaction is rolled back (the ledger refused a transfer the sizing
 * thought possible, say, because a withdrawal got there first), every bid in it is retried alone; if
 * its commit fails, whether it took effect is unknown, and every bid in it is answered with the error
 * rather than risk placing it twice.
 *
 * The row lock is what keeps a listing from overfilling: a second process with its own queue
 * serialises on it like any other writer.
 */
interface Waiting {
  readonly investorId: string;
  readonly requested: bigint;
  /** The request's context: the bid is the investor's acceptance of the listing's terms. */
  readonly audit: AuditContext | undefined;
}

type BidAnswer = Answer<BidOutcome>;

class BatchRefused extends Error {}

export class BidQueue {
  /** One queue per listing with bids waiting or being written; dropped when it falls idle. */
  private readonly queues = new Map<string, GroupCommit<Waiting, BidOutcome>>();
  private closing = false;

  constructor(
    private readonly context: LendingContext,
    private readonly observer?: QueueObserver,
  ) {}

  submit(investorId: string, loanId: string, requested: bigint, audit?: AuditContext): Promise<BidOutcome> {
    if (this.closing) return Promise.reject(shuttingDown());
    let queue = this.queues.get(loanId);
    if (!queue) {
      // The kernel's rules (docs/group-commit.md), with the bids' own failure handling: a batch
      // rolled back is retried a bid at a time through the single-bid path; a batch whose commit
      // failed after it was written is not retried at all.
      const created: GroupCommit<Waiting, BidOutcome> = new GroupCommit<Waiting, BidOutcome>({
        maxSize: 1000,
        ...(this.observer ? { observer: this.observer, lane: loanId } : {}),
        // As before the kernel's queue: a bid on a quiet listing is written at once, alone.
        cut: 'at-once',
        commit: (batch) => this.write(loanId, batch),
        isolate: (error, members) => members > 1 || error instanceof BatchRefused,
        alone: (waiting) => this.alone(loanId, waiting),
        onIdle: () => {
          if (this.queues.get(loanId) === created) this.queues.delete(loanId);
        },
      });
      queue = created;
      this.queues.set(loanId, queue);
    }
    return queue.submit({ investorId, requested, audit });
  }

  /** Refuses new bids and resolves once every bid submitted before has been answered. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }

  /**
   * Writes a batch in one transaction. A commit that fails without PostgreSQL's answer leaves it
   * unknown whether the batch took effect: retrying could place every bid twice, so each bidder is
   * told it failed (inGroupTransaction throws CommitOutcomeUnknown).
   */
  private async write(loanId: string, batch: readonly Waiting[]): Promise<BidAnswer[]> {
    const answers = await inGroupTransaction(this.context.db, (trx) =>
      writeBatch(this.context, trx, loanId, batch),
    );
    // The bid that filled the listing answers after the disbursement, as a lone bid would; the
    // rest of its batch with it.
    if (answers.some((a) => a.ok && a.value.full)) await this.disburse(loanId);
    return answers;
  }

  /** A bid of a batch that was rolled back, in its own transaction, with the checks in the same order. */
  private async alone(loanId: string, waiting: Waiting): Promise<BidOutcome> {
    const outcome = await inTransaction(this.context.db, async (trx) => {
      const loan = await getLoan(trx, loanId, true);
      checkListingOpen(this.context, loan, 'manual');
      const standing = await this.context.identity.suitability.standings([waiting.investorId], trx);
      checkStanding(loan, waiting.investorId, standing.get(waiting.investorId));
      const outcome = await bidInTransaction(
        this.context,
        trx,
        waiting.investorId,
        loanId,
        waiting.requested,
        'manual',
      );
      await this.context.contracts.accepted(
        trx,
        waiting.audit,
        bidAcceptance(loan, waiting.investorId, waiting.requested, outcome.bid.amount, outcome.bid.createdAt),
      );
      return outcome;
    });
    if (outcome.full) await this.disburse(loanId);
    return outcome;
  }

  /**
   * The bid that filled the listing is committed whatever happens here: a disbursement that fails
   * now is finished by the lending day, which disburses every full listing left behind.
   */
  private async disburse(loanId: string): Promise<void> {
    await afterFull(this.context, loanId).catch((error: unknown) =>
      console.error(
        `netfin: loan ${loanId} is full but its disbursement failed (the day-close retries it)`,
        error,
      ),
    );
  }
}

async function writeBatch(
  context: LendingContext,
  trx: Executor,
  loanId: string,
  batch: readonly Waiting[],
): Promise<BidAnswer[]> {
  const loan = await findLoan(trx, loanId, true);
  try {
    if (!loan) throw notFound('loan_not_found', 'no such listing');
    checkListingOpen(context, loan, 'manual');
  } catch (error) {
    return batch.map(() => ({ ok: false, error }));
  }
  const product = await context.products.version(loan.productId, loan.productVersion, trx);
  const investors = [...new Set(batch.map((w) => w.investorId))];
  const [standings, raised, held, wallets] = await Promise.all([
    context.identity.suitability.standings(investors, trx),
    raisedFor(context, trx, loanId),
    sql<{
      investor_id: string;
      amount: bigint;
    }>`select investor_id, sum(amount)::bigint as amount from loan_bids
      where loan_id = ${loanId}::uuid and status = 'frozen' and investor_id = any(${investors}::uuid[])
      group by investor_id`.execute(trx),
    context.ledger.lookupAccounts(
      investors.map((id) => walletAccountId(id)),
      { tx: trx },
    ),
  ]);
  const holding = new Map(held.rows.map((r) => [r.investor_id, r.amount]));
  const available = new Map(
    wallets.map((a) => [a.id, a.creditsPosted - a.debitsPosted - a.debitsPending] as const),
  );
  let remaining = loan.amount - raised;
  const now = context.clock.now();
  const answers: BidAnswer[] = [];
  const accepted: {
    id: string;
    investorId: string;
    requested: bigint;
    amount: bigint;
    audit: AuditContext | undefined;
  }[] = [];
  for (const waiting of batch) {
    try {
      // Filled by an earlier bid of this batch: what a lone bid arriving now would be told.
      if (remaining === 0n) throw conflict('listing_closed', 'this listing no longer takes bids');
      checkStanding(loan, waiting.investorId, standings.get(waiting.investorId));
      const amount = sizeBid(
        loan,
        product,
        remaining,
        holding.get(waiting.investorId) ?? 0n,
        waiting.requested,
        'manual',
      );
      const wallet = walletAccountId(waiting.investorId);
      const money = available.get(wallet) ?? 0n;
      if (money < amount)
        throw ruleViolation('insufficient_funds', 'the wallet does not hold enough available money for this');
      available.set(wallet, money - amount);
      holding.set(waiting.investorId, (holding.get(waiting.investorId) ?? 0n) + amount);
      const id = uuidv7();
      accepted.push({
        id,
        investorId: waiting.investorId,
        requested: waiting.requested,
        amount,
        audit: waiting.audit,
      });
      const full = amount === remaining;
      remaining -= amount;
      answers.push({
        ok: true,
        value: {
          bid: {
            id,
            loanId,
            investorId: waiting.investorId,
            requested: waiting.requested,
            amount,
            source: 'manual',
            status: 'frozen',
            createdAt: now,
          },
          full,
        },
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      answers.push({ ok: false, error });
    }
  }
  if (accepted.length === 0) return answers;
  const transfers: TransferInput[] = accepted.map((b) => ({
    id: `bid:${b.id}`,
    debitAccountId: walletAccountId(b.investorId),
    creditAccountId: loanAccount.funding(loanId),
    amount: b.amount,
    ledger: CURRENCY,
    code: LendingCode.bid,
    userData: loanId,
    flags: TransferFlag.pending,
  }));
  const results = await context.ledger.createTransfers(transfers, { tx: trx });
  // Sized against balances read under this transaction; a refusal means another writer moved
  // money in between: the whole batch is undone and each bid tried alone.
  if (results.some((r) => r.result !== 'ok')) throw new BatchRefused();
  await sql`insert into loan_bids (id, loan_id, investor_id, requested, amount, source, status, created_at)
    select id, ${loanId}::uuid, investor, requested, amount, 'manual', 'frozen', ${now}
    from unnest(${accepted.map((b) => b.id)}::uuid[], ${accepted.map((b) => b.investorId)}::uuid[],
                ${accepted.map((b) => b.requested.toString())}::bigint[], ${accepted.map((b) => b.amount.toString())}::bigint[])
         as t(id, investor, requested, amount)`.execute(trx);
  // Each bid written is its investor's acceptance, in the same transaction: a bid refused or rolled
  // back leaves none.
  await context.contracts.acceptedAll(
    trx,
    accepted.map((b) => ({
      audit: b.audit,
      acceptance: bidAcceptance(loan, b.investorId, b.requested, b.amount, now),
    })),
  );
  if (remaining === 0n)
    await sql`update loans set status = 'full', full_at = ${now} where id = ${loanId}::uuid`.execute(trx);
  return answers;
}

/** What a manual bidder accepts: the listing's terms and the amount of their bid. */
function bidAcceptance(
  loan: Loan,
  investorId: string,
  requested: bigint,
  amount: bigint,
  at: Date,
): AcceptanceOf {
  return {
    kind: 'loan',
    subjectType: 'loan',
    subjectId: loan.id,
    userId: investorId,
    role: 'lender',
    acceptedAt: at,
    terms: {
      loanId: loan.id,
      amount: formatAmount(loan.amount, CNY),
      currency: 'CNY',
      annualRate: loan.annualRate,
      upfrontFeeRate: loan.upfrontFeeRate,
      term: loan.term,
      termUnit: loan.termUnit,
      method: loan.method,
      grade: loan.grade,
      riskLevel: loan.riskLevel,
      product: `${loan.productId}@${loan.productVersion}`,
      bidRequested: formatAmount(requested, CNY),
      bidAmount: formatAmount(amount, CNY),
    },
  };
}
