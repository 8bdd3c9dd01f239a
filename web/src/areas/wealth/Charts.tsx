import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { EChart } from '../../components/EChart.tsx';
import { formatDate } from '../../i18n/index.ts';
import { formatMoney } from '../../money.ts';
import type { HolderIncome, Yields } from './types.ts';

/** The 7-day annualised yields (both definitions) and the income per 10,000 units, day by day. */
export function YieldChart({ yields }: { yields: Yields }) {
  const { t } = useTranslation('wealth');
  const days = yields.days.filter((d) => d.sevenDayCompounded !== null || d.per10k !== null);
  const option = useMemo(
    () => ({
      grid: { left: 56, right: 56, top: 40, bottom: 32 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' as const },
      xAxis: { type: 'category' as const, data: days.map((d) => formatDate(d.date)) },
      yAxis: [
        { type: 'value' as const, scale: true, axisLabel: { formatter: '{value}%' } },
        { type: 'value' as const, scale: true, splitLine: { show: false } },
      ],
      series: [
        {
          name: `${t('mmf.yield')} · ${t('mmf.compounded')}`,
          type: 'line' as const,
          // Plotting only: the figures shown as text stay the API's exact strings.
          data: days.map((d) => (d.sevenDayCompounded === null ? null : Number(d.sevenDayCompounded))),
        },
        {
          name: `${t('mmf.yield')} · ${t('mmf.simple')}`,
          type: 'line' as const,
          lineStyle: { type: 'dashed' as const },
          data: days.map((d) => (d.sevenDaySimple === null ? null : Number(d.sevenDaySimple))),
        },
        {
          name: t('mmf.per10k'),
          type: 'bar' as const,
          yAxisIndex: 1,
          barMaxWidth: 8,
          data: days.map((d) => (d.per10k === null ? null : Number(d.per10k))),
        },
      ],
    }),
    [days, t],
  );
  return <EChart option={option} label={t('mmf.yieldChart')} height={260} />;
}

/** The holder's income, day by day. */
export function IncomeChart({ income }: { income: HolderIncome }) {
  const { t } = useTranslation('wealth');
  const option = useMemo(
    () => ({
      grid: { left: 56, right: 16, top: 24, bottom: 32 },
      tooltip: {
        trigger: 'axis' as const,
        valueFormatter: (value: unknown) => formatMoney({ amount: String(value), currency: 'CNY' }),
      },
      xAxis: { type: 'category' as const, data: income.days.map((d) => formatDate(d.date)) },
      yAxis: { type: 'value' as const, axisLabel: { formatter: '¥{value}' } },
      series: [
        {
          name: t('mmf.income'),
          type: 'bar' as const,
          data: income.days.map((d) => Number(d.amount.amount)),
        },
      ],
    }),
    [income, t],
  );
  return <EChart option={option} label={t('mmf.incomeChart')} height={220} />;
}
