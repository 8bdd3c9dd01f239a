import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { EChart } from '../../components/EChart.tsx';
import { formatDate } from '../../i18n/index.ts';
import { formatMoney } from '../../money.ts';
import { fromMinor, toMinor } from '../invest/lending.ts';
import { type Line, type LineEvent, useBusinessDate } from './types.ts';

/** How an event moved the used credit and the limit, in cents (what the ledger postings did). */
function movement(event: LineEvent): { used: bigint; limit: bigint } {
  const amount = event.amount ? toMinor(event.amount) : 0n;
  const principal = typeof event.details?.principal === 'string' ? toMinor(event.details.principal) : null;
  switch (event.kind) {
    case 'draw':
    case 'purchase':
      return { used: amount, limit: 0n };
    case 'repayment':
      return { used: -(principal ?? 0n), limit: 0n };
    case 'refund': {
      // What the refund gave back to the line: the principal not yet repaid, billed or not.
      const part = (key: string) =>
        typeof event.details?.[key] === 'string' ? toMinor(event.details[key] as string) : 0n;
      return { used: -(part('unbilled') + part('billed')), limit: 0n };
    }
    case 'reviewed': {
      const from = event.details?.from;
      const to = event.details?.to;
      return {
        used: 0n,
        limit: typeof from === 'string' && typeof to === 'string' ? toMinor(to) - toMinor(from) : 0n,
      };
    }
    case 'granted':
    case 'raised':
      return { used: 0n, limit: amount };
    case 'raise_ended':
      return { used: 0n, limit: -amount };
    default:
      return { used: 0n, limit: 0n };
  }
}

export interface UsagePoint {
  date: string;
  used: string;
  limit: string;
}

/**
 * Used credit and the limit at the end of each day with an event, worked back from today's balances
 * through the history (newest first): before an event, used was what it is after less the event's move.
 */
export function usageSeries(line: Line, events: LineEvent[], today: string): UsagePoint[] {
  let used = line.used ? toMinor(line.used.amount) : 0n;
  let limit = line.limit ? toMinor(line.limit.amount) : 0n;
  const byDate = new Map<string, UsagePoint>();
  byDate.set(today, { date: today, used: fromMinor(used), limit: fromMinor(limit) });
  for (const event of events) {
    if (!byDate.has(event.businessDate))
      byDate.set(event.businessDate, {
        date: event.businessDate,
        used: fromMinor(used),
        limit: fromMinor(limit),
      });
    const move = movement(event);
    used -= move.used;
    limit -= move.limit;
  }
  return [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
}

export function UsageChart({ line, events }: { line: Line; events: LineEvent[] }) {
  const { t, i18n } = useTranslation('credit');
  const businessDate = useBusinessDate().data?.businessDate;
  const today = businessDate ?? events[0]?.businessDate ?? line.openedOn ?? line.createdAt.slice(0, 10);
  const points = useMemo(() => usageSeries(line, events, today), [line, events, today]);
  const option = useMemo(
    () => ({
      grid: { left: 64, right: 16, top: 40, bottom: 32 },
      legend: { top: 0 },
      tooltip: {
        trigger: 'axis' as const,
        valueFormatter: (value: unknown) => formatMoney({ amount: String(value), currency: 'CNY' }),
      },
      xAxis: { type: 'category' as const, data: points.map((p) => formatDate(p.date)) },
      yAxis: {
        type: 'value' as const,
        axisLabel: { formatter: (v: number) => `¥${v.toLocaleString(i18n.language)}` },
      },
      series: [
        {
          name: t('used'),
          type: 'line' as const,
          step: 'end' as const,
          areaStyle: {},
          // Plotting only: a chart needs numbers; the amounts shown in text stay exact strings.
          data: points.map((p) => Number(p.used)),
        },
        {
          name: t('limit'),
          type: 'line' as const,
          step: 'end' as const,
          lineStyle: { type: 'dashed' as const },
          data: points.map((p) => Number(p.limit)),
        },
      ],
    }),
    [points, t, i18n.language],
  );
  return <EChart option={option} label={t('chart.label', { used: formatMoney(line.used) })} height={240} />;
}
