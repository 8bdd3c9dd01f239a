import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import { Decimal, formatDecimal, type PlainDate } from '../kernel/index.ts';
import { loanAccount, RESERVE_ACCOUNT } from './accounts.ts';
import type { LendingContext } from './loans.ts';

/**
 * The platform's figures for anyone to read (the public home page): what has been lent and to how
 * many, what is still owed, how much of it is overdue, and the risk reserve beside it. Counts come
 * from lending's tables; balances (the reserve, each loan's principal receivable) from the ledger.
 * Nothing about any one person.
 */
export interface PlatformFigures {
  /** Principal of every loan ever disbursed (what was funded, not what is still owed). */
  readonly lentPrincipal: bigint;
  readonly loansFunded: number;
  /** People who ever held a note: funded a loan or bought a note on the secondary market. */
  readonly investors: number;
  /** People who ever had a loan disbursed. */
  readonly borrowers: number;
  /** The ledger's principal receivable of the active loans. */
  readonly outstandingPrincipal: bigint;
  /** The outstanding principal of the active loans more than 0 days past due (all of it, due or not). */
  readonly overduePrincipal: bigint;
  /** overduePrincipal / outstandingPrincipal, 4 decimals; null when nothing is outstanding. */
  readonly overdueRate: string | null;
  readonly reserveBalance: bigint;
  /** reserveBalance / overduePrincipal, 4 decimals; null when nothing is overdue. */
  readonly reserveCoverageOfOverdue: string | null;
  /** reserveBalance / outstandingPrincipal, 4 decimals; null when nothing is outstanding. */
  readonly reserveCoverageOfOutstanding: string | null;
  readonly asOf: Date;
  readonly businessDate: PlainDate;
}

const ratio = (a: bigint, b: bigint) =>
  b === 0n ? null : formatDecimal(new Decimal(a.toString()).div(b.toString()), 4);

/**
 * A few aggregate queries, and the ledger's sums of the active loans' principal, 50,000 at a time, all
 * read in one snapshot, so that a loan changing state meanwhile is counted once.
 */
export function platformFigures(context: LendingContext): Promise<PlatformFigures> {
  return inTransaction(context.db, (trx) => figuresIn(context, trx), {
    isolation: 'repeatable read',
    readOnly: true,
  });
}

async function figuresIn(context: LendingContext, db: Executor): Promise<PlatformFigures> {
  const { ledger, clock } = context;
  const counts = await sql<{ lent: bigint; loans: number; borrowers: number; investors: number }>`
    select
      (select coalesce(sum(amount), 0)::int8 from loans where disbursed_at is not null) as lent,
      (select count(*)::int from loans where disbursed_at is not null) as loans,
      (select count(distinct borrower_id)::int from loans where disbursed_at is not null) as borrowers,
      (select count(distinct holder_id)::int from loan_notes where kind = 'investor') as investors`.execute(
    db,
  );
  const c = counts.rows[0]!;
  let outstanding = 0n;
  let overdue = 0n;
  let after: string | null = null;
  for (;;) {
    const page: { rows: { id: string; dpd: number }[] } = await sql<{ id: string; dpd: number }>`
      select id, dpd from loans where status = 'active' and (${after}::uuid is null or id > ${after}::uuid)
      order by id limit 50000`.execute(db);
    if (page.rows.length === 0) break;
    after = page.rows.at(-1)!.id;
    const sums = await ledger.sumBalances(
      page.rows.map((loan) => ({
        id: loanAccount.principal(loan.id),
        group: loan.dpd > 0 ? 'overdue' : 'current',
      })),
      { tx: db },
    );
    for (const [group, b] of sums) {
      const principal = b.debitsPosted - b.creditsPosted;
      outstanding += principal;
      if (group === 'overdue') overdue += principal;
    }
  }
  const reserve = await ledger.getAccount(RESERVE_ACCOUNT, { tx: db });
  const reserveBalance = reserve ? reserve.creditsPosted - reserve.debitsPosted : 0n;
  return {
    lentPrincipal: BigInt(c.lent),
    loansFunded: c.loans,
    investors: c.investors,
    borrowers: c.borrowers,
    outstandingPrincipal: outstanding,
    overduePrincipal: overdue,
    overdueRate: ratio(overdue, outstanding),
    reserveBalance,
    reserveCoverageOfOverdue: ratio(reserveBalance, overdue),
    reserveCoverageOfOutstanding: ratio(reserveBalance, outstanding),
    asOf: clock.now(),
    businessDate: clock.businessDate(),
  };
}

/** The figures kept for a minute of the clock's time: the public home page asks on every visit. */
export class FiguresCache {
  private cached: { at: number; figures: Promise<PlatformFigures> } | null = null;

  constructor(
    private readonly context: LendingContext,
    private readonly maxAgeMs = 60_000,
  ) {}

  get(): Promise<PlatformFigures> {
    const now = this.context.clock.now().getTime();
    const cached = this.cached;
    if (cached && now >= cached.at && now - cached.at < this.maxAgeMs) return cached.figures;
    const figures = platformFigures(this.context);
    const entry = { at: now, figures };
    this.cached = entry;
    // A failure is not kept: the next visit asks again.
    figures.catch(() => {
      if (this.cached === entry) this.cached = null;
    });
    return figures;
  }
}
