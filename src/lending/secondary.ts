import { sql } from 'kysely';
import { businessDateIn } from '../batch/index.ts';
import { type Executor, inTransaction } from '../db/index.ts';
import type { AuditContext } from '../identity/index.ts';
import {
  addDays,
  applyRate,
  CNY,
  conflict,
  Decimal,
  formatAmount,
  formatDecimal,
  invalid,
  notFound,
  type PlainDate,
  ruleViolation,
  uuidv7,
} from '../kernel/index.ts';
import { walletAccountId } from '../payments/index.ts';
import { createNoteAccounts, LendingCode, noteAccountId, post } from './accounts.ts';
import { checkInvestor } from './bids.ts';
import {
  amountDue,
  daysPastDue,
  getLoan,
  isCharged,
  type LendingContext,
  type LoanState,
  loadState,
} from './loans.ts';
import { transferId } from './plan.ts';
import type { Product } from './products.ts';
import { interestBetween, xirr } from './schedule.ts';
import { daysBetweenDates, interestStart } from './servicing.ts';

/**
 * The secondary market (债权转让): a holder offers all or part of a note at a discount; a buyer pays
 * the price plus the interest accrued since the last due date (so the seller keeps what the note
 * earned while they held it, and the buyer receives the whole next instalment); the seller pays a
 * fee; the note's principal moves to a new note of the buyer's.
 */
export interface NoteListing {
  readonly id: string;
  readonly noteId: string;
  readonly loanId: string;
  readonly sellerId: string;
  readonly principal: bigint;
  readonly discountRate: string;
  readonly status: 'open' | 'sold' | 'withdrawn' | 'cancelled';
  readonly reason: string | null;
  readonly buyerId: string | null;
  readonly price: bigint | null;
  readonly accruedInterest: bigint | null;
  readonly sellerFee: bigint | null;
  readonly listedOn: PlainDate;
  readonly expiresOn: PlainDate;
  readonly createdAt: Date;
}

interface Row {
  id: string;
  note_id: string;
  loan_id: string;
  seller_id: string;
  principal: bigint;
  discount_rate: string;
  status: NoteListing['status'];
  reason: string | null;
  buyer_id: string | null;
  price: bigint | null;
  accrued_interest: bigint | null;
  seller_fee: bigint | null;
  listed_on: PlainDate;
  expires_on: PlainDate;
  created_at: Date;
}

const toListing = (r: Row): NoteListing => ({
  id: r.id,
  noteId: r.note_id,
  loanId: r.loan_id,
  sellerId: r.seller_id,
  principal: r.principal,
  discountRate: r.discount_rate,
  status: r.status,
  reason: r.reason,
  buyerId: r.buyer_id,
  price: r.price,
  accruedInterest: r.accrued_interest,
  sellerFee: r.seller_fee,
  listedOn: r.listed_on,
  expiresOn: r.expires_on,
  createdAt: r.created_at,
});

export async function getNoteListing(db: Executor, id: string, lock = false): Promise<NoteListing> {
  const rows =
    await sql<Row>`select * from note_listings where id = ${id}::uuid ${lock ? sql`for update` : sql``}`.execute(
      db,
    );
  if (!rows.rows[0]) throw notFound('note_listing_not_found', 'no such note listing');
  return toListing(rows.rows[0]);
}

export async function noteListings(
  db: Executor,
  filter: { status?: NoteListing['status']; sellerId?: string; limit: number },
): Promise<NoteListing[]> {
  const rows = await sql<Row>`select * from note_listings where true
    ${filter.status ? sql`and status = ${filter.status}` : sql``}
    ${filter.sellerId ? sql`and seller_id = ${filter.sellerId}::uuid` : sql``}
    order by created_at desc, id desc limit ${filter.limit}`.execute(db);
  return rows.rows.map(toListing);
}

/** Why a note cannot be traded now, or null. */
function tradeProblem(state: LoanState, product: Product, today: PlainDate): string | null {
  if (state.loan.status !== 'active') return 'loan_not_active';
  if (daysPastDue(state, today).dpd > 0 || amountDue(state) > 0n) return 'loan_overdue';
  const next = state.installments.find((i) => !isCharged(state, i.period));
  if (!next) return 'loan_maturing';
  if (daysBetweenDates(today, next.dueDate) < product.secondary.blackoutDays) return 'too_close_to_due_date';
  return null;
}

const MESSAGES: Record<string, string> = {
  loan_not_active: 'the loan is no longer active',
  loan_overdue: 'a note of an overdue loan cannot be traded',
  loan_maturing: 'the loan has no instalment left to fall due',
  too_close_to_due_date: 'notes cannot be traded in the days just before a due date',
};

export function pricing(principal: bigint, discount: Decimal, product: Product) {
  const price = applyRate(principal, new Decimal(1).minus(discount), product.rounding);
  const fee = applyRate(price, product.secondary.sellerFeeRate, product.rounding);
  return { price, fee };
}

/** A holder offers `principal` of their note (all of it by default) at `discountRate`. */
export async function listNote(
  context: LendingContext,
  sellerId: string,
  noteId: string,
  input: { principal?: bigint | undefined; discountRate: string },
  audit?: AuditContext,
): Promise<NoteListing> {
  return inTransaction(context.db, async (trx) => {
    const notes = await sql<{ loan_id: string; holder_id: string | null; acquired_on: PlainDate }>`
      select loan_id, holder_id, acquired_on from loan_notes where id = ${noteId}::uuid`.execute(trx);
    const note = notes.rows[0];
    if (!note || note.holder_id !== sellerId) throw notFound('note_not_found', 'no such note');
    const state = await loadState(context, trx, note.loan_id);
    const product = await context.products.version(state.loan.productId, state.loan.productVersion, trx);
    const today = context.clock.businessDate();
    const discount = new Decimal(input.discountRate);
    if (discount.isNegative() || discount.gt(product.secondary.maxDiscount))
      throw ruleViolation(
        'discount_out_of_range',
        `the discount is 0 to ${product.secondary.maxDiscount.toFixed()}`,
      );
    const held = state.notes.find((n) => n.id === noteId)!.principal;
    const principal = input.principal ?? held;
    if (principal <= 0n || principal > held)
      throw ruleViolation('principal_out_of_range', `the note holds ${formatAmount(held, CNY)}`, {
        held: formatAmount(held, CNY),
      });
    if (daysBetweenDates(note.acquired_on, today) < product.secondary.minHoldingDays)
      throw ruleViolation(
        'held_too_briefly',
        `a note can be sold after ${product.secondary.minHoldingDays} days`,
      );
    const problem = tradeProblem(state, product, today);
    if (problem) throw ruleViolation(problem, MESSAGES[problem]);
    const id = uuidv7();
    const inserted =
      await sql`insert into note_listings (id, note_id, loan_id, seller_id, principal, discount_rate, status, listed_on, expires_on, created_at)
      values (${id}::uuid, ${noteId}::uuid, ${note.loan_id}::uuid, ${sellerId}::uuid, ${principal}, ${discount.toFixed(6)}::numeric, 'open',
              ${today}, ${addDays(today, product.secondary.listingDays)}, ${context.clock.now()})
      on conflict (note_id) where status = 'open' do nothing returning id`.execute(trx);
    if (inserted.rows.length === 0) throw conflict('note_already_listed', 'this note is already for sale');
    // Listing is the seller's acceptance of the sale at this discount, whoever buys.
    const { price, fee } = pricing(principal, discount, product);
    await context.contracts.accepted(trx, audit, {
      kind: 'note_transfer',
      subjectType: 'note_transfer',
      subjectId: id,
      userId: sellerId,
      role: 'seller',
      acceptedAt: context.clock.now(),
      terms: {
        noteId,
        loanId: note.loan_id,
        principal: formatAmount(principal, CNY),
        discountRate: discount.toFixed(6),
        price: formatAmount(price, CNY),
        fee: formatAmount(fee, CNY),
        currency: 'CNY',
        listedOn: today,
        loanAnnualRate: state.loan.annualRate,
      },
    });
    return getNoteListing(trx, id);
  });
}

export async function withdrawNoteListing(
  context: LendingContext,
  sellerId: string,
  listingId: string,
): Promise<NoteListing> {
  return inTransaction(context.db, async (trx) => {
    const listing = await getNoteListing(trx, listingId, true);
    if (listing.sellerId !== sellerId) throw notFound('note_listing_not_found', 'no such note listing');
    if (listing.status !== 'open') throw conflict('note_listing_closed', `this listing is ${listing.status}`);
    await sql`update note_listings set status = 'withdrawn', reason = 'by_seller', closed_at = ${context.clock.now()} where id = ${listingId}::uuid`.execute(
      trx,
    );
    return getNoteListing(trx, listingId);
  });
}

/**
 * A listing as anyone may read it on the market: who sells it and who bought it are not told, nor
 * the seller's note; `own` tells the reader whether it is theirs (false for a reader not signed in).
 */
export type PublicNoteListing = Omit<NoteListing, 'sellerId' | 'buyerId' | 'noteId'> & {
  readonly own: boolean;
};

export function publicNoteListing(listing: NoteListing, readerId: string | null): PublicNoteListing {
  const { sellerId, buyerId: _buyer, noteId: _note, ...rest } = listing;
  return { ...rest, own: readerId !== null && sellerId === readerId };
}

/**
 * What a buyer pays today: the price and the interest accrued on the principal since the last due
 * date; the listing as the public reads it.
 */
export async function quoteNoteListing(context: LendingContext, listingId: string, readerId: string | null) {
  const quote = await inTransaction(context.db, async (trx) =>
    quoteIn(context, trx, await getNoteListing(trx, listingId), context.clock.businessDate()),
  );
  return { ...quote, listing: publicNoteListing(quote.listing, readerId) };
}

/** Open notes for sale, newest first, each with today's quote: read in one snapshot, as the public reads them. */
export async function noteMarket(context: LendingContext, limit: number, readerId: string | null) {
  return inTransaction(
    context.db,
    async (trx) => {
      const today = context.clock.businessDate();
      const quotes = [];
      for (const listing of await noteListings(trx, { status: 'open', limit })) {
        const quote = await quoteIn(context, trx, listing, today);
        quotes.push({ ...quote, listing: publicNoteListing(listing, readerId) });
      }
      return quotes;
    },
    { isolation: 'repeatable read', readOnly: true },
  );
}

async function quoteIn(context: LendingContext, trx: Executor, listing: NoteListing, today: PlainDate) {
  const state = await loadState(context, trx, listing.loanId, false);
  const product = await context.products.version(state.loan.productId, state.loan.productVersion, trx);
  const { price, fee } = pricing(listing.principal, new Decimal(listing.discountRate), product);
  const accrued = interestBetween(
    listing.principal,
    new Decimal(state.loan.annualRate),
    interestStart(state),
    today,
    product.dayCount,
    product.rounding,
  );
  const remaining = state.installments.filter((i) => !isCharged(state, i.period));
  return {
    listing,
    loan: state.loan,
    price,
    accrued,
    sellerFee: fee,
    total: price + accrued,
    remainingInstalments: remaining.length,
    maturityDate: remaining.at(-1)?.dueDate ?? null,
    yieldToMaturity: cachedYield(state, product, listing, price + accrued, today),
  };
}

/**
 * The yield is solved in 40-digit decimals: the market, read by anyone, solves each listing's once
 * for what it depends on (the day, the price paid, the loan's principal and instalments left).
 */
const yields = new Map<string, string | null>();
function cachedYield(
  state: LoanState,
  product: Product,
  listing: NoteListing,
  cost: bigint,
  today: PlainDate,
): string | null {
  const charged = state.installments.filter((i) => isCharged(state, i.period)).length;
  const key = `${listing.id}|${today}|${cost}|${state.principalOutstanding}|${charged}`;
  if (yields.has(key)) return yields.get(key)!;
  if (yields.size >= 10_000) yields.clear();
  const value = buyersYield(state, product, listing.principal, cost, today);
  yields.set(key, value);
  return value;
}

/**
 * The buyer's yield to maturity: the XIRR of paying `cost` today and receiving the listed share of
 * every instalment still to fall due (its principal, and its interest less the investors' service
 * fee), as scheduled. A figure to compare listings by, not money: the share of each instalment is
 * taken to the cent, rounding down. Null when nothing is left to receive.
 */
export function buyersYield(
  state: LoanState,
  product: Product,
  principal: bigint,
  cost: bigint,
  today: PlainDate,
): string | null {
  const outstanding = state.principalOutstanding;
  const remaining = state.installments.filter((i) => !isCharged(state, i.period) && i.dueDate > today);
  if (outstanding <= 0n || principal <= 0n || cost <= 0n || remaining.length === 0) return null;
  const keep = new Decimal(1).minus(product.investorServiceFeeRate);
  const flows = [
    { date: today, amount: -cost },
    ...remaining.map((i) => {
      const interest = applyRate(i.interest, keep, product.rounding);
      return { date: i.dueDate, amount: ((i.principal + interest) * principal) / outstanding };
    }),
  ];
  return formatDecimal(xirr(flows), 6);
}

/** A buyer takes a whole listing. */
export async function buyNote(
  context: LendingContext,
  buyerId: string,
  listingId: string,
  audit?: AuditContext,
): Promise<NoteListing> {
  const preview = await getNoteListing(context.db, listingId);
  if (preview.sellerId === buyerId) throw ruleViolation('own_listing', 'you cannot buy your own note');
  const loanRow = await getLoan(context.db, preview.loanId);
  await checkInvestor(context, buyerId, loanRow);
  const outcome = await inTransaction(context.db, async (trx) => {
    const today = await businessDateIn(trx, context.clock);
    const state = await loadState(context, trx, preview.loanId);
    const listing = await getNoteListing(trx, listingId, true);
    if (listing.status !== 'open') throw conflict('note_listing_closed', `this listing is ${listing.status}`);
    if (listing.expiresOn < today) throw conflict('note_listing_closed', 'this listing has expired');
    const product = await context.products.version(state.loan.productId, state.loan.productVersion, trx);
    const problem = tradeProblem(state, product, today);
    if (problem) throw ruleViolation(problem, MESSAGES[problem]);
    const seller = state.notes.find((n) => n.id === listing.noteId)!;
    if (seller.principal < listing.principal) return 'stale' as const;
    const { price, fee } = pricing(listing.principal, new Decimal(listing.discountRate), product);
    const accrued = interestBetween(
      listing.principal,
      new Decimal(state.loan.annualRate),
      interestStart(state),
      today,
      product.dayCount,
      product.rounding,
    );
    const buyerWallet = await context.payments.walletAccount(trx, buyerId, { lock: true });
    const noteId = uuidv7();
    await createNoteAccounts(context.ledger, trx, [{ id: noteId, loanId: state.loan.id }]);
    await sql`insert into loan_notes (id, loan_id, holder_id, kind, origin, parent_note_id, original_principal, acquired_on, created_at)
      values (${noteId}::uuid, ${state.loan.id}::uuid, ${buyerId}::uuid, 'investor', 'purchase', ${listing.noteId}::uuid, ${listing.principal}, ${today}, ${context.clock.now()})`.execute(
      trx,
    );
    const t = (debit: string, credit: string, amount: bigint, code: number, userData: string) => ({
      id: transferId(),
      debitAccountId: debit,
      creditAccountId: credit,
      amount,
      ledger: 'CNY',
      code,
      userData,
    });
    await post(
      context.ledger,
      trx,
      [
        t(
          buyerWallet,
          walletAccountId(listing.sellerId),
          price + accrued - fee,
          LendingCode.notePrice,
          listing.noteId,
        ),
        t(buyerWallet, context.payments.feeIncomeAccount, fee, LendingCode.noteSellerFee, listing.noteId),
        t(
          noteAccountId(listing.noteId),
          noteAccountId(noteId),
          listing.principal,
          LendingCode.notePrincipal,
          noteId,
        ),
      ].filter((x) => x.amount > 0n),
      today,
    );
    await sql`update note_listings set status = 'sold', buyer_id = ${buyerId}::uuid, price = ${price}, accrued_interest = ${accrued}, seller_fee = ${fee},
              closed_at = ${context.clock.now()} where id = ${listingId}::uuid`.execute(trx);
    // The sale's contract and the buyer's acceptance of it, with the sale.
    const terms = {
      noteId: listing.noteId,
      loanId: state.loan.id,
      principal: formatAmount(listing.principal, CNY),
      price: formatAmount(price, CNY),
      discountRate: new Decimal(listing.discountRate).toFixed(6),
      fee: formatAmount(fee, CNY),
      accruedInterest: formatAmount(accrued, CNY),
      currency: 'CNY',
      transferDate: today,
      loanAnnualRate: state.loan.annualRate,
      remainingInstallments: state.installments.filter((i) => !isCharged(state, i.period)).length,
      buyerNoteId: noteId,
    };
    const signedAt = context.clock.now();
    await context.contracts.accepted(trx, audit, {
      kind: 'note_transfer',
      subjectType: 'note_transfer',
      subjectId: listingId,
      userId: buyerId,
      role: 'buyer',
      acceptedAt: signedAt,
      terms,
    });
    await context.contracts.issued(trx, {
      kind: 'note_transfer',
      listingId,
      sellerId: listing.sellerId,
      buyerId,
      terms,
      signedAt,
      businessDate: today,
    });
    return getNoteListing(trx, listingId);
  });
  if (outcome !== 'stale') return outcome;
  // The note has been repaid below what was listed: the listing is cancelled (in a transaction of
  // its own, so that the refusal does not undo it) and the buyer told why.
  await sql`update note_listings set status = 'cancelled', reason = 'principal_repaid', closed_at = ${context.clock.now()}
            where id = ${listingId}::uuid and status = 'open'`.execute(context.db);
  throw conflict(
    'note_listing_stale',
    'the note has been partly repaid since it was listed; the listing is cancelled',
  );
}

/** Listings past their date are withdrawn; listings on loans that fell overdue are cancelled. */
export async function expireNoteListings(
  context: LendingContext,
  db: Executor,
  date: PlainDate,
): Promise<number> {
  const now = context.clock.now();
  const expired =
    await sql`update note_listings set status = 'withdrawn', reason = 'expired', closed_at = ${now}
    where status = 'open' and expires_on < ${date} returning id`.execute(db);
  const stale =
    await sql`update note_listings nl set status = 'cancelled', reason = 'loan_not_tradable', closed_at = ${now}
    from loans l where nl.status = 'open' and l.id = nl.loan_id and l.status <> 'active' returning nl.id`.execute(
      db,
    );
  return expired.rows.length + stale.rows.length;
}

export function checkDiscount(text: string): void {
  if (!/^(0|[1-9][0-9]*)(\.[0-9]{1,6})?$/.test(text))
    throw invalid('discount_malformed', 'the discount is a decimal like "0.02"');
}
