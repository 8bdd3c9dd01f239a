import { sql } from 'kysely';
import { businessDateIn } from '../batch/index.ts';
import { type Executor, inTransaction } from '../db/index.ts';
import type { AuditContext } from '../identity/index.ts';
import {
  applyRate,
  assert,
  CNY,
  canonicalSha256,
  conflict,
  Decimal,
  formatAmount,
  type PlainDate,
  uuidv7,
} from '../kernel/index.ts';
import { TransferFlag, type TransferInput } from '../ledger/index.ts';
import {
  CURRENCY,
  createLoanAccounts,
  createNoteAccounts,
  ensurePlatformAccounts,
  LendingCode,
  loanAccount,
  noteAccountId,
  post,
  RESERVE_ACCOUNT,
} from './accounts.ts';
import { priceLoan } from './apr.ts';
import { type BidRow, raisedFor } from './bids.ts';
import { getLoan, type LendingContext, type Loan } from './loans.ts';
import { creditPlanOf, type DebtTakeover } from './origin.ts';

/**
 * SHA-256 over the JSON Canonicalization Scheme form of { loanId, terms, parties }. Contracts signed
 * before it carry 'sha256-json-source-order': a digest over JSON in this file's key order, kept as
 * recorded since it is what was signed.
 */
export const CONTRACT_DIGEST_ALGORITHM = 'sha256-jcs';

/**
 * A full listing's end: second review, disbursement into notes and a loan, rejection; an expired
 * listing's release of its bids or disbursement of what it raised.
 */

/** A full listing goes to second review if its product asks for one, else it is disbursed now. */
export async function afterFull(context: LendingContext, loanId: string): Promise<void> {
  const loan = await getLoan(context.db, loanId);
  const product = await context.products.version(loan.productId, loan.productVersion);
  if (loan.status === 'full' && !product.secondReview) await disburse(context, loanId);
}

/**
 * Disbursement: every frozen bid is posted into the funding account; each investor's bids become
 * one note; the loan's principal is owed by the borrower, whose wallet receives it less the upfront
 * fee (platform income) and the reserve contribution (the risk reserve fund). The schedule and the
 * contract are recorded. Idempotent: a loan already disbursed is left alone.
 */
export async function disburse(context: LendingContext, loanId: string, audit?: AuditContext): Promise<Loan> {
  await inTransaction(context.db, async (trx) => {
    // The business date read (and held) first: the loan starts on it and the bids are posted on it.
    const today = await businessDateIn(trx, context.clock);
    const loan = await getLoan(trx, loanId, true);
    if (loan.status === 'active') return;
    if (loan.status !== 'full') throw conflict('listing_not_full', 'only a full listing can be disbursed');
    const product = await context.products.version(loan.productId, loan.productVersion, trx);
    // A loan credit listed for a line's draw (origin.ts): the customer has had the money since the draw.
    const creditPlanId = await creditPlanOf(trx, loan.applicationId);
    const bids =
      await sql<BidRow>`select * from loan_bids where loan_id = ${loanId}::uuid and status = 'frozen' order by created_at, id`.execute(
        trx,
      );
    const amount = bids.rows.reduce((sum, b) => sum + b.amount, 0n);
    const funding = await context.ledger.getAccount(loanAccount.funding(loanId), { tx: trx });
    if (!funding || funding.creditsPending !== amount)
      throw new Error(`loan ${loanId}: frozen bids ${amount} do not match the funding account`);
    await ensurePlatformAccounts(context.ledger, trx);
    await context.payments.ensurePlatformAccounts(trx);
    await createLoanAccounts(context.ledger, trx, loanId);
    const byInvestor = new Map<string, bigint>();
    for (const b of bids.rows)
      byInvestor.set(b.investor_id, (byInvestor.get(b.investor_id) ?? 0n) + b.amount);
    const now = context.clock.now();
    const notes = [...byInvestor].map(([holder, principal]) => ({ id: uuidv7(), loanId, holder, principal }));
    const reserveNoteId = uuidv7();
    await createNoteAccounts(context.ledger, trx, [...notes, { id: reserveNoteId, loanId }]);
    await sql`insert into loan_notes (id, loan_id, holder_id, kind, origin, original_principal, acquired_on, created_at)
      select id, ${loanId}::uuid, holder, 'investor', 'disbursement', principal, ${today}, ${now}
      from unnest(${notes.map((n) => n.id)}::uuid[], ${notes.map((n) => n.holder)}::uuid[], ${notes.map((n) => n.principal.toString())}::bigint[])
        as t(id, holder, principal)`.execute(trx);
    await sql`insert into loan_notes (id, loan_id, holder_id, kind, origin, original_principal, acquired_on, created_at)
      values (${reserveNoteId}::uuid, ${loanId}::uuid, null, 'reserve', 'advance', 0, ${today}, ${now})`.execute(
      trx,
    );
    // The schedule, the fees and the APR from one place (apr.ts), so that what the listing showed,
    // what is paid out and what the contract says cannot drift apart.
    // An assigned draw's borrower pays no deduction (listed without an upfront fee; the reserve
    // contribution is the platform's, see below), so its schedule and APR are priced without them.
    const { schedule, costs, apr } = priceLoan(
      { ...loan, amount },
      creditPlanId ? { ...product, reserveRate: new Decimal(0) } : product,
      today,
    );
    const upfrontFee = costs.upfrontFee;
    const contribution = costs.reserveContribution;
    let takeover: DebtTakeover | null = null;
    let platformContribution = 0n;
    if (creditPlanId) {
      assert(amount === loan.amount, 'an assigned draw is disbursed only in full');
      platformContribution = applyRate(amount, product.reserveRate, product.rounding);
      takeover = await context.origins.hooks.disbursed(trx, {
        loanId,
        planId: creditPlanId,
        amount,
        on: today,
      });
    }
    const borrowerWallet = takeover ? null : await context.payments.walletAccount(trx, loan.borrowerId);
    const transfers: TransferInput[] = [];
    const t = (
      debit: string,
      credit: string,
      value: bigint,
      code: number,
      userData: string,
      extra: Partial<TransferInput> = {},
    ) => {
      if (value > 0n)
        transfers.push({
          id: `l:${uuidv7()}`,
          debitAccountId: debit,
          creditAccountId: credit,
          amount: value,
          ledger: CURRENCY,
          code,
          userData,
          ...extra,
        });
    };
    for (const b of bids.rows)
      transfers.push({
        id: `bid:${b.id}:post`,
        pendingId: `bid:${b.id}`,
        debitAccountId: '',
        creditAccountId: '',
        amount: b.amount,
        ledger: CURRENCY,
        code: LendingCode.bid,
        userData: loanId,
        flags: TransferFlag.postPendingTransfer,
      });
    for (const n of notes)
      t(loanAccount.funding(loanId), noteAccountId(n.id), n.principal, LendingCode.fundNote, n.id);
    if (takeover) {
      // The loan's principal takes over the customer's debt from the line; the platform, whose funds
      // the investors' money replaces, pays the reserve its contribution for the loan.
      t(loanAccount.principal(loanId), takeover.debtAccountId, amount, LendingCode.disburse, loanId);
      t(
        takeover.contributionAccountId,
        RESERVE_ACCOUNT,
        platformContribution,
        LendingCode.reserveContribution,
        loanId,
      );
    } else
      t(
        loanAccount.principal(loanId),
        borrowerWallet!,
        amount - upfrontFee - contribution,
        LendingCode.disburse,
        loanId,
      );
    t(
      loanAccount.principal(loanId),
      context.payments.feeIncomeAccount,
      upfrontFee,
      LendingCode.upfrontFee,
      loanId,
    );
    t(loanAccount.principal(loanId), RESERVE_ACCOUNT, contribution, LendingCode.reserveContribution, loanId);
    await post(context.ledger, trx, transfers, today);
    const periodFee = costs.periodFee;
    const rows = schedule.installments;
    await sql`insert into loan_installments (loan_id, period, due_date, principal, interest, fee)
      select ${loanId}::uuid, * from unnest(${rows.map((i) => i.period)}::int[], ${rows.map((i) => i.dueDate)}::date[],
        ${rows.map((i) => i.principal.toString())}::bigint[], ${rows.map((i) => i.interest.toString())}::bigint[],
        ${rows.map(() => periodFee.toString())}::bigint[])`.execute(trx);
    await sql`update loan_bids set status = 'posted' where loan_id = ${loanId}::uuid and status = 'frozen'`.execute(
      trx,
    );
    await sql`update loans set status = 'active', amount = ${amount}, disbursed_at = ${now}, start_date = ${today} where id = ${loanId}::uuid`.execute(
      trx,
    );
    const terms = {
      amount: formatAmount(amount, CNY),
      currency: 'CNY',
      annualRate: loan.annualRate,
      // The annual percentage rate of all borrowing costs by the IRR method (apr.ts), beside the
      // nominal rate, as the regulator requires the contract to state it.
      apr,
      term: loan.term,
      termUnit: loan.termUnit,
      method: loan.method,
      startDate: today,
      product: `${product.id}@${product.version}`,
      upfrontFee: formatAmount(upfrontFee, CNY),
      reserveContribution: formatAmount(contribution, CNY),
      ...(creditPlanId
        ? {
            assignedCreditDraw: creditPlanId,
            platformReserveContribution: formatAmount(platformContribution, CNY),
          }
        : {}),
      periodFee: formatAmount(periodFee, CNY),
      penaltyDailyRate: product.penaltyDailyRate.toFixed(),
      lateFee: formatAmount(product.lateFee, CNY),
      graceDays: product.graceDays,
      prepaymentFeeRate: product.prepaymentFeeRate.toFixed(),
      installments: rows.map((i) => ({
        period: i.period,
        dueDate: i.dueDate,
        principal: formatAmount(i.principal, CNY),
        interest: formatAmount(i.interest, CNY),
      })),
    };
    const parties = {
      borrower: loan.borrowerId,
      lenders: notes.map((n) => ({ investor: n.holder, principal: formatAmount(n.principal, CNY) })),
      platform: 'netfin',
    };
    // Over the canonical form (RFC 8785), so that anyone holding the contract as the API returns it
    // can recompute the digest, whatever order their JSON parser keeps the keys in.
    const digest = canonicalSha256({ loanId, terms, parties });
    const number = `NF-${today.replaceAll('-', '')}-${loanId.slice(-12).toUpperCase()}`;
    await sql`insert into loan_contracts (loan_id, number, terms, parties, digest, digest_algorithm, signed_at)
              values (${loanId}::uuid, ${number}, ${JSON.stringify(terms)}::jsonb, ${JSON.stringify(parties)}::jsonb, ${digest},
                      ${CONTRACT_DIGEST_ALGORITHM}, ${now})`.execute(trx);
    // The contracts register records the same contract with its parties, in this transaction.
    const decision = await sql<{ decision_id: string | null }>`
      select decision_id from loan_applications where id = ${loan.applicationId}::uuid`.execute(trx);
    await context.contracts.issued(trx, {
      kind: 'loan',
      loanId,
      number,
      terms,
      borrowerId: loan.borrowerId,
      lenders: parties.lenders.map((l) => ({ investorId: l.investor, principal: l.principal })),
      digest,
      digestAlgorithm: CONTRACT_DIGEST_ALGORITHM,
      signedAt: now,
      businessDate: today,
      decisionId: decision.rows[0]?.decision_id ?? null,
    });
    if (audit)
      await context.identity.audit(
        audit,
        {
          action: 'lending.disbursed',
          subjectType: 'loan',
          subjectId: loanId,
          details: { amount: formatAmount(amount, CNY) },
        },
        trx,
      );
  });
  return getLoan(context.db, loanId);
}

/** Staff reject a full listing at second review: every bid is released and the listing fails. */
export async function rejectFull(
  context: LendingContext,
  loanId: string,
  reason: string,
  audit: AuditContext,
): Promise<Loan> {
  await inTransaction(context.db, async (trx) => {
    const loan = await getLoan(trx, loanId, true);
    if (loan.status !== 'full')
      throw conflict('listing_not_full', 'only a full listing awaits second review');
    await releaseBids(context, trx, loanId);
    await context.identity.audit(
      audit,
      { action: 'lending.full_rejected', subjectType: 'loan', subjectId: loanId, details: { reason } },
      trx,
    );
  });
  return getLoan(context.db, loanId);
}

async function releaseBids(context: LendingContext, trx: Executor, loanId: string): Promise<void> {
  const bids =
    await sql<BidRow>`select * from loan_bids where loan_id = ${loanId}::uuid and status = 'frozen'`.execute(
      trx,
    );
  await post(
    context.ledger,
    trx,
    bids.rows.map((b) => ({
      id: `bid:${b.id}:void`,
      pendingId: `bid:${b.id}`,
      debitAccountId: '',
      creditAccountId: '',
      amount: b.amount,
      ledger: CURRENCY,
      code: LendingCode.bid,
      userData: loanId,
      flags: TransferFlag.voidPendingTransfer,
    })),
  );
  await sql`update loan_bids set status = 'released' where loan_id = ${loanId}::uuid and status = 'frozen'`.execute(
    trx,
  );
  const today = await businessDateIn(trx, context.clock);
  await sql`update loans set status = 'failed', closed_on = ${today} where id = ${loanId}::uuid`.execute(trx);
  // A failed listing of a credit draw gives the plan back to the line, to be billed as before.
  const loan = await getLoan(trx, loanId);
  const creditPlanId = await creditPlanOf(trx, loan.applicationId);
  if (creditPlanId) await context.origins.hooks.failed(trx, { loanId, planId: creditPlanId, on: today });
}

/**
 * A listing past its date: disbursed for what it raised if the product allows that and enough was
 * raised, else failed (流标) with every bid released. Returns what happened.
 */
export async function expireListing(
  context: LendingContext,
  loanId: string,
  on: PlainDate,
): Promise<'disbursed' | 'failed' | null> {
  const result = await inTransaction(context.db, async (trx) => {
    const loan = await getLoan(trx, loanId, true);
    if (loan.status !== 'listing' || loan.expiresOn >= on) return null;
    const product = await context.products.version(loan.productId, loan.productVersion, trx);
    const raised = await raisedFor(context, trx, loanId);
    const share = product.disburseAtExpiryShare;
    // An assigned draw is the customer's whole debt: it is disbursed in full or not at all.
    const assigned = (await creditPlanOf(trx, loan.applicationId)) !== null;
    if (
      !assigned &&
      share &&
      raised > 0n &&
      raised >= applyRate(loan.amount, share, 'up') &&
      raised >= product.minAmount
    ) {
      await sql`update loans set status = 'full', full_at = ${context.clock.now()} where id = ${loanId}::uuid`.execute(
        trx,
      );
      return 'disbursed' as const;
    }
    await releaseBids(context, trx, loanId);
    return 'failed' as const;
  });
  if (result === 'disbursed') await afterFull(context, loanId);
  return result;
}
