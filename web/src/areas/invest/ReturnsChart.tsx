import { theme } from 'antd';
import * as echarts from 'echarts';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { NoteStatement } from './Investments.tsx';

/** Received and to come per note, stacked. Numbers only for drawing; every figure shown elsewhere is exact. */
export function ReturnsChart({ notes }: { notes: NoteStatement[] }) {
  const { t } = useTranslation('invest');
  const { token } = theme.useToken();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current);
    const draw = (text: string) => Number(text); // drawing only
    const labels = notes.map((n) => `${n.grade} · ${n.noteId.slice(-4)}`);
    const series = [
      { key: 'principalReceived', name: t('chart.principalReceived'), color: token.colorSuccess },
      { key: 'interestReceived', name: t('chart.interestReceived'), color: token.colorPrimary },
      { key: 'principalToCome', name: t('chart.principalToCome'), color: token.colorTextQuaternary },
      { key: 'interestToCome', name: t('chart.interestToCome'), color: token.colorWarning },
    ] as const;
    chart.setOption({
      textStyle: { color: token.colorText },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { textStyle: { color: token.colorText }, top: 0 },
      grid: { left: 8, right: 8, bottom: 8, top: 56, containLabel: true },
      xAxis: { type: 'category', data: labels, axisLabel: { color: token.colorTextSecondary } },
      yAxis: { type: 'value', axisLabel: { color: token.colorTextSecondary } },
      series: series.map((s) => ({
        name: s.name,
        type: 'bar',
        stack: 'total',
        itemStyle: { color: s.color },
        data: notes.map((n) => draw(n[s.key])),
      })),
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [notes, t, token]);
  return <div ref={ref} role="img" aria-label={t('chart.label')} style={{ width: '100%', height: 300 }} />;
}
