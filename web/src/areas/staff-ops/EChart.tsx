import { theme } from 'antd';
import * as echarts from 'echarts';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { isDarkBackground } from '../../components/theme.ts';

/** An ECharts chart sized to its box, following the antd theme's text colour (light and dark). */
export function EChart({
  option,
  label,
  height = 260,
}: {
  option: echarts.EChartsOption;
  label: string;
  height?: number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const { token } = theme.useToken();
  const dark = isDarkBackground(token.colorBgContainer);
  // ECharts names months and days in its locale: the page's language, not the browser's.
  const locale = useTranslation().i18n.language === 'zh' ? 'ZH' : 'EN';
  useEffect(() => {
    if (!ref.current) return;
    const instance = echarts.init(ref.current, dark ? 'dark' : undefined, { renderer: 'svg', locale });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(ref.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [dark, locale]);
  useEffect(() => {
    chart.current?.setOption(
      {
        backgroundColor: 'transparent',
        textStyle: { color: token.colorText },
        color: [
          token.colorPrimary,
          token.colorWarning,
          token.colorError,
          token.colorSuccess,
          token.colorInfo,
        ],
        ...option,
        xAxis: withoutOverlap(option.xAxis),
      },
      true,
    );
  }, [option, token]);
  return <div ref={ref} role="img" aria-label={label} style={{ width: '100%', height }} />;
}

/** A time axis drops the labels that would overlap (a day's "30" over the next month's name). */
function withoutOverlap(axis: echarts.EChartsOption['xAxis']): echarts.EChartsOption['xAxis'] {
  if (!axis || Array.isArray(axis) || axis.type !== 'time') return axis;
  return { ...axis, axisLabel: { hideOverlap: true, ...axis.axisLabel } };
}
