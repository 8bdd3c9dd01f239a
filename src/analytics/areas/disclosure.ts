import { Decimal, formatDecimal } from '../../kernel/index.ts';
import { countLabelsInCreditAt, postedSumsBefore } from '../../ledger/index.ts';
import {
  disclosureBookAsOf,
  forgetLoanBookDays,
  investorNoteAccountsOf,
  investorNoteHolders,
  RESERVE_ACCOUNT,
} from '../../lending/index.ts';
import type { AnalyticsArea, Fact } from '../area.ts';
import { defineMetrics } from '../metrics.ts';
import { endOfBusinessDate } from './business-day.ts';
import type { AnalyticsSources } from './sources.ts';

/** The overdue buckets a disclosure shows: M1 = 1–30 days past due, M2 31–60, M3 61–90, M3+ over 90. */
export const DISCLOSURE_BUCKETS = ['M1', 'M2', 'M3', 'M3+'] as const;

const ratio = (a: bigint, b: bigint): string | null =>
  b === 0n ? null : formatDecimal(new Decimal(a.toString()).div(b.toString()), 4);

/**
 * Public disclosure (信息披露): the platform's operating figures at the end of each business date,
 * as lending regulators had platforms publish them. Counts and sums only: nothing about any one
 * person is read out of lending (the ten largest borrowers are one sum) or written here.
 */
export function disclosureArea(_sources: AnalyticsSources): AnalyticsArea {
  const stock = (
    name: string,
    unit: 'count' | 'money' | 'ratio',
    description: string,
    dimensions: string[] = [],
  ) => ({ name, unit, rollup: 'last' as const, dimensions, description });
  return {
    name: 'disclosure',
    metrics: defineMetrics('disclosure', [
      stock('lent_total', 'money', 'Principal of every loan disbursed up to the date'),
      stock('loans_total', 'count', 'Loans disbursed up to the date'),
      stock(
        'outstanding_principal',
        'money',
        'Principal still owed at the end of the date (disbursed − repaid − written off)',
      ),
      stock('outstanding_loans', 'count', 'Loans with principal still owed at the end of the date'),
      stock('borrowers_total', 'count', 'People who had a loan disbursed up to the date'),
      stock('borrowers_current', 'count', 'People owing principal at the end of the date'),
      stock(
        'investors_total',
        'count',
        'People who held an investor note (funded or bought one) up to the date',
      ),
      stock(
        'investors_current',
        'count',
        'People holding a note with principal in it at the end of the date (the ledger as of then)',
      ),
      stock(
        'top10_share',
        'ratio',
        "The ten largest borrowers' share of the outstanding principal (absent when nothing is outstanding)",
      ),
      stock(
        'overdue_amount',
        'money',
        'Outstanding principal of the loans past due at the end of the date, by bucket (M1 1–30 days, M2 31–60, M3 61–90, M3+ over 90) and in total',
        ['bucket'],
      ),
      stock('overdue_count', 'count', 'Loans past due at the end of the date, by bucket and in total', [
        'bucket',
      ]),
      stock(
        'overdue_rate',
        'ratio',
        'Overdue principal / outstanding principal (absent when nothing is outstanding)',
      ),
      stock(
        'reserve_balance',
        'money',
        'The risk reserve fund at the end of the date (the ledger as of then)',
      ),
      stock(
        'reserve_coverage',
        'ratio',
        'Reserve balance / overdue principal (absent when nothing is overdue)',
      ),
      stock(
        'advances_total',
        'money',
        'What the reserve advanced to investors (principal and interest) up to the date',
      ),
    ]),
    forget: forgetLoanBookDays,
    async collect(trx, date) {
      const book = await disclosureBookAsOf(trx, date);
      const end = endOfBusinessDate(date);
      const reserve = (await postedSumsBefore(trx, [{ id: RESERVE_ACCOUNT, group: 'reserve' }], end)).get(
        'reserve',
      );
      const reserveBalance = reserve ? reserve.creditsPosted - reserve.debitsPosted : 0n;
      const investorsCurrent = await countLabelsInCreditAt(
        trx,
        investorNoteHolders(date),
        (holder) => investorNoteAccountsOf(date, holder),
        end,
      );
      let overdue = 0n;
      let overdueLoans = 0;
      const facts: Fact[] = [];
      for (const bucket of DISCLOSURE_BUCKETS) {
        const b = book.buckets.find((x) => x.bucket === bucket);
        overdue += b?.principal ?? 0n;
        overdueLoans += b?.loans ?? 0;
        facts.push(
          { metric: 'disclosure.overdue_amount', dimension: { bucket }, value: b?.principal ?? 0n },
          { metric: 'disclosure.overdue_count', dimension: { bucket }, value: b?.loans ?? 0 },
        );
      }
      const ratios: [string, string | null][] = [
        ['disclosure.top10_share', ratio(book.top10Principal, book.outstandingPrincipal)],
        ['disclosure.overdue_rate', ratio(overdue, book.outstandingPrincipal)],
        ['disclosure.reserve_coverage', ratio(reserveBalance, overdue)],
      ];
      return [
        ...facts,
        { metric: 'disclosure.overdue_amount', value: overdue },
        { metric: 'disclosure.overdue_count', value: overdueLoans },
        { metric: 'disclosure.lent_total', value: book.lentTotal },
        { metric: 'disclosure.loans_total', value: book.loansTotal },
        { metric: 'disclosure.outstanding_principal', value: book.outstandingPrincipal },
        { metric: 'disclosure.outstanding_loans', value: book.outstandingLoans },
        { metric: 'disclosure.borrowers_total', value: book.borrowersTotal },
        { metric: 'disclosure.borrowers_current', value: book.borrowersCurrent },
        { metric: 'disclosure.investors_total', value: book.investorsTotal },
        { metric: 'disclosure.investors_current', value: investorsCurrent },
        { metric: 'disclosure.reserve_balance', value: reserveBalance },
        { metric: 'disclosure.advances_total', value: book.advancesTotal },
        ...ratios.flatMap(([metric, value]) => (value === null ? [] : [{ metric, value }])),
      ];
    },
  };
}
