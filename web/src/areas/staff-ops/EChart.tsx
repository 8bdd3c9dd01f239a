import { theme } from 'antd';
import * as echarts from 'echarts';
import { useEffect, useRef } from 'react';

/** Is this background colour dark (the antd dark algorithm)? */
function isDark(color: string): boolean {
  const hex = /^#([0-9a-f]{6})$/i.exec(color)?.[1];
  if (!hex) return false;
  const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [
    number,
    number,
    number,
  ];
  return r * 0.299 + g * 0.587 + b * 0.114 < 128;
}

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
  const dark = isDark(token.colorBgContainer);
  useEffect(() => {
    if (!ref.current) return;
    const instance = echarts.init(ref.current, dark ? 'dark' : undefined, { renderer: 'svg' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(ref.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [dark]);
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
      },
      true,
    );
  }, [option, token]);
  return <div ref={ref} role="img" aria-label={label} style={{ width: '100%', height }} />;
}
