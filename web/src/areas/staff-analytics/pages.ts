import type { Me } from '../../session.tsx';
import { type Area, casesOf, loansInBucket, loansOf, periodEnd, reviewQueue, usersList } from './links.ts';

export { AREAS, type Area } from './links.ts';

import type { CellRef, ChartSpec } from './grid.ts';

/** The loans list filters a chart's page filter carries over (the list filters by grade and product). */
function carried(cell: CellRef): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['grade', 'product'] as const) {
    const value = cell.dimension[key] ?? cell.filter[key];
    if (value) out[key] = value;
  }
  return out;
}

/** The loans disbursed in a cell's period (of its grade and product, where the cell has them). */
const disbursedIn = (me: Me | null | undefined, cell: CellRef) =>
  loansOf(me, {
    ...carried(cell),
    disbursedFrom: cell.row,
    disbursedTo: periodEnd(cell.row, cell.granularity),
  });

/** Each page's charts, in order, from the analytics metric contract (docs/analytics.md). */
export function chartsOf(area: Area, me: Me | null | undefined): ChartSpec[] {
  switch (area) {
    case 'users':
      return [
        { id: 'signups', title: 'signups', kind: 'time', chart: 'line', metrics: ['users.signups'] },
        {
          id: 'funnel',
          title: 'funnel',
          kind: 'funnel',
          metrics: [
            'users.signed_up_total',
            'users.verified_total',
            'users.card_bound_total',
            'users.transacted_total',
          ],
          rowLink: (row) => (row === 'users.signed_up_total' ? usersList(me) : undefined),
        },
        {
          id: 'conversions',
          title: 'conversions',
          kind: 'time',
          chart: 'line',
          metrics: [
            'users.verified',
            'users.card_bound',
            'users.first_investment',
            'users.first_loan',
            'users.first_payment',
          ],
        },
        {
          id: 'active',
          title: 'active',
          kind: 'time',
          chart: 'line',
          metrics: ['users.dau', 'users.wau', 'users.mau'],
        },
        {
          id: 'retention',
          title: 'retention',
          kind: 'heat',
          metrics: ['users.retained'],
          rows: 'cohort',
          columns: 'week',
          divideBy: 'users.cohort_size',
          wide: true,
        },
        {
          id: 'order-value',
          title: 'orderValue',
          kind: 'average',
          metrics: [],
          pairs: [
            ['users.investment_amount', 'users.investment_count'],
            ['users.payment_amount', 'users.payment_count'],
            ['users.loan_amount', 'users.loan_count'],
          ],
        },
        {
          id: 'regions',
          title: 'regions',
          kind: 'latest',
          metrics: ['users.verified_by'],
          by: ['region'],
          wide: true,
        },
        {
          id: 'age-bands',
          title: 'ageBands',
          kind: 'latest',
          metrics: ['users.verified_by'],
          by: ['age_band'],
        },
      ];
    case 'marketplace':
      return [
        {
          id: 'listings',
          title: 'listings',
          kind: 'time',
          chart: 'bar',
          metrics: ['marketplace.listings_opened', 'marketplace.listings_filled'],
          // The listings opened in a period; when they filled is not a filter of the list.
          cellLink: (cell) =>
            cell.metric === 'marketplace.listings_opened'
              ? loansOf(me, {
                  ...carried(cell),
                  listedFrom: cell.row,
                  listedTo: periodEnd(cell.row, cell.granularity),
                })
              : undefined,
        },
        {
          id: 'fill-days',
          title: 'fillDays',
          kind: 'time',
          chart: 'line',
          metrics: ['marketplace.fill_days_median', 'marketplace.fill_days_p90'],
        },
        {
          id: 'invested',
          title: 'invested',
          kind: 'time',
          chart: 'stacked',
          metrics: ['marketplace.invested_amount'],
          cellLink: (cell) => disbursedIn(me, cell),
          by: ['grade'],
        },
        {
          id: 'auto-invested',
          title: 'autoInvested',
          kind: 'time',
          chart: 'stacked',
          metrics: ['marketplace.invested_auto_amount'],
          cellLink: (cell) => disbursedIn(me, cell),
          by: ['grade'],
        },
        {
          id: 'disbursed',
          title: 'disbursed',
          kind: 'time',
          chart: 'bar',
          metrics: ['marketplace.disbursed_amount'],
          cellLink: (cell) => disbursedIn(me, cell),
        },
        {
          id: 'yield',
          title: 'yield',
          kind: 'time',
          chart: 'line',
          metrics: ['marketplace.yield_weighted'],
          by: ['grade'],
        },
        {
          id: 'investors-per-loan',
          title: 'investorsPerLoan',
          kind: 'time',
          chart: 'line',
          metrics: ['marketplace.investors_per_loan'],
        },
        {
          id: 'secondary',
          title: 'secondary',
          kind: 'time',
          chart: 'bar',
          metrics: ['marketplace.secondary_volume'],
        },
        {
          id: 'secondary-discount',
          title: 'secondaryDiscount',
          kind: 'time',
          chart: 'line',
          metrics: ['marketplace.secondary_discount'],
        },
      ];
    case 'risk':
      return [
        {
          id: 'decisions',
          title: 'decisions',
          kind: 'time',
          chart: 'bar',
          metrics: ['risk.decisions', 'risk.approved'],
          cellLink: () => reviewQueue(me),
        },
        {
          id: 'approval-rate',
          title: 'approvalRate',
          kind: 'time',
          chart: 'line',
          metrics: ['risk.approval_rate'],
          cellLink: () => reviewQueue(me),
        },
        {
          id: 'outstanding',
          title: 'outstanding',
          kind: 'latest',
          metrics: ['risk.outstanding_principal'],
          by: ['bucket'],
          // The loans in the bucket for who reads loans, else the bucket's collection cases.
          rowLink: (bucket) => loansInBucket(me, bucket) ?? casesOf(me, bucket),
        },
        {
          id: 'delinquency',
          title: 'delinquency',
          kind: 'time',
          chart: 'line',
          metrics: ['risk.delinquency_rate', 'risk.reserve_coverage'],
        },
        {
          id: 'vintage30',
          title: 'vintage30',
          kind: 'heat',
          metrics: ['risk.vintage_dpd30_share'],
          // The vintage's loans 30+ days past due now (the curve's cell is as of its month on book).
          cellLink: (cell) => loansOf(me, { vintage: cell.row, minDpd: '30' }),
          rows: 'vintage',
          columns: 'mob',
          wide: true,
        },
        {
          id: 'vintage90',
          title: 'vintage90',
          kind: 'heat',
          metrics: ['risk.vintage_dpd90_share'],
          cellLink: (cell) => loansOf(me, { vintage: cell.row, minDpd: '90' }),
          rows: 'vintage',
          columns: 'mob',
          wide: true,
        },
        {
          id: 'roll-rates',
          title: 'rollRates',
          kind: 'heat',
          metrics: ['risk.roll_rate'],
          rows: 'from',
          columns: 'to',
        },
        {
          id: 'reserve',
          title: 'reserve',
          kind: 'time',
          chart: 'bar',
          metrics: ['risk.reserve_balance', 'risk.reserve_advances', 'risk.reserve_recoveries'],
          cellLink: (cell) =>
            cell.metric === 'risk.reserve_advances' ? loansOf(me, { advanced: 'true' }) : undefined,
        },
        {
          id: 'losses',
          title: 'losses',
          kind: 'time',
          chart: 'bar',
          metrics: ['risk.write_offs', 'risk.recoveries'],
        },
        {
          id: 'collections',
          title: 'collections',
          kind: 'time',
          chart: 'stacked',
          metrics: ['risk.collections_recovered'],
          by: ['stage'],
        },
      ];
    case 'liquidity':
      return [
        {
          id: 'due',
          title: 'dueByHorizon',
          kind: 'latest',
          metrics: ['liquidity.due_to_platform', 'liquidity.due_to_investors', 'liquidity.gap'],
          by: ['horizon'],
        },
        { id: 'gap', title: 'gap', kind: 'time', chart: 'line', metrics: ['liquidity.gap'], by: ['horizon'] },
        { id: 'held', title: 'held', kind: 'time', chart: 'line', metrics: ['liquidity.held'] },
      ];
  }
}
