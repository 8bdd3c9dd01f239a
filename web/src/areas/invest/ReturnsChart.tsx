import { theme } from 'antd';
import dayjs from 'dayjs';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { EChart } from '../../components/EChart.tsx';

/** One month of an investor's returns, as the statement gives it (amounts as decimal strings). */
export interface MonthOfReturns {
  month: string;
  principalReceived: string;
  interestReceived: string;
  advancedReceived: string;
  principalToCome: string;
  interestToCome: string;
}

/**
 * Returns over time: each month's principal and interest, received (solid) and scheduled to come
 * (pale), and a line of the interest earned so far and to come, summed month after month. Numbers
 * only for drawing; every figure shown as text elsewhere is exact.
 */
export function ReturnsChart({ months }: { months: MonthOfReturns[] }) {
  const { t, i18n } = useTranslation('invest');
  const { token } = theme.useToken();
  const zh = i18n.language === 'zh';
  const option = useMemo(() => {
    const draw = (text: string) => Number(text); // drawing only
    const labels = months.map((m) => dayjs(`${m.month}-01`).format(zh ? 'YYYY年M月' : 'MMM YYYY'));
    let sum = 0;
    const cumulative = months.map((m) => {
      sum += draw(m.interestReceived) + draw(m.interestToCome);
      return Math.round(sum * 100) / 100;
    });
    const bar = (name: string, values: number[], color: string) => ({
      name,
      type: 'bar' as const,
      stack: 'month',
      itemStyle: { color },
      data: values,
    });
    return {
      tooltip: { trigger: 'axis' as const },
      legend: { top: 0, textStyle: { color: token.colorText } },
      grid: { left: 8, right: 8, bottom: 8, top: 64, containLabel: true },
      xAxis: {
        type: 'category' as const,
        data: labels,
        axisLabel: { color: token.colorTextSecondary, hideOverlap: true },
      },
      yAxis: [
        { type: 'value' as const, axisLabel: { color: token.colorTextSecondary } },
        {
          type: 'value' as const,
          axisLabel: { color: token.colorTextSecondary },
          splitLine: { show: false },
        },
      ],
      series: [
        bar(
          t('chart.principalReceived'),
          months.map((m) => draw(m.principalReceived) + draw(m.advancedReceived)),
          token.colorSuccess,
        ),
        bar(
          t('chart.interestReceived'),
          months.map((m) => draw(m.interestReceived)),
          token.colorPrimary,
        ),
        bar(
          t('chart.principalToCome'),
          months.map((m) => draw(m.principalToCome)),
          token.colorTextQuaternary,
        ),
        bar(
          t('chart.interestToCome'),
          months.map((m) => draw(m.interestToCome)),
          token.colorWarning,
        ),
        {
          name: t('chart.interestCumulative'),
          type: 'line' as const,
          yAxisIndex: 1,
          smooth: true,
          symbol: 'circle',
          itemStyle: { color: token.colorError },
          data: cumulative,
        },
      ],
    };
  }, [months, t, token, zh]);
  return <EChart option={option} label={t('chart.label')} height={320} />;
}
