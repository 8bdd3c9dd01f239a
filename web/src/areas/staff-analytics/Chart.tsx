import { Skeleton, theme } from 'antd';
import type { ECharts, EChartsOption } from 'echarts';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isDarkBackground } from '../../components/theme.ts';

type EChartsModule = typeof import('echarts');

/** What a click on a chart hit. */
export interface ChartPick {
  readonly name: string;
  readonly dataIndex: number;
  readonly seriesIndex: number;
  readonly data: unknown;
}

/** ECharts, fetched the first time an analytics chart is shown: no other page loads it for these. */
let loading: Promise<EChartsModule> | undefined;
function loadECharts(): Promise<EChartsModule> {
  loading ??= import('echarts');
  return loading;
}

/**
 * A chart drawn on a canvas by ECharts (loaded on demand), sized to its box and following the theme.
 * The canvas says nothing to a screen reader: the card beside it offers the same figures as a table.
 */
export function Chart({
  option,
  label,
  height = 300,
  onPick,
}: {
  option: EChartsOption;
  label: string;
  height?: number;
  /** A click on a bar, a point or a cell: its category (row) name, its indexes, its datum. */
  onPick?: (pick: ChartPick) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const [ready, setReady] = useState(false);
  const { token } = theme.useToken();
  const dark = isDarkBackground(token.colorBgContainer);
  const { t, i18n } = useTranslation('staffAnalytics');
  const locale = i18n.language === 'zh' ? 'ZH' : 'EN';
  const pick = useRef(onPick);
  pick.current = onPick;
  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | undefined;
    void loadECharts().then((echarts) => {
      if (disposed || !ref.current) return;
      const instance = echarts.init(ref.current, dark ? 'dark' : undefined, { renderer: 'canvas', locale });
      instance.on('click', (event) => {
        pick.current?.({
          name: typeof event.name === 'string' ? event.name : '',
          dataIndex: typeof event.dataIndex === 'number' ? event.dataIndex : -1,
          seriesIndex: typeof event.seriesIndex === 'number' ? event.seriesIndex : -1,
          data: event.data,
        });
      });
      chart.current = instance;
      observer = new ResizeObserver(() => instance.resize());
      observer.observe(ref.current);
      setReady(true);
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
      setReady(false);
    };
  }, [dark, locale]);
  useEffect(() => {
    if (!ready) return;
    chart.current?.setOption(
      {
        backgroundColor: 'transparent',
        textStyle: { color: token.colorText },
        color: [
          token.colorPrimary,
          token.colorWarning,
          token.colorSuccess,
          token.colorError,
          token.colorInfo,
          '#9254de',
          '#13a8a8',
        ],
        ...option,
      },
      true,
    );
  }, [option, token, ready]);
  return (
    <div style={{ position: 'relative', width: '100%', height }}>
      {!ready && <Skeleton active aria-label={t('loadingChart')} />}
      <div ref={ref} role="img" aria-label={label} style={{ position: 'absolute', inset: 0 }} />
    </div>
  );
}
