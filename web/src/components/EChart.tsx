import { Skeleton } from 'antd';
import { type ComponentProps, lazy, Suspense } from 'react';

/**
 * The ECharts chart of every page but the staff analytics (which load ECharts their own way):
 * ECharts (about a megabyte) comes in its own chunk when the first chart is drawn, not with the app,
 * so that pages without a chart, and the sign-in, do not wait for it.
 */
const Chart = lazy(() => import('../areas/staff-ops/EChart.tsx').then((m) => ({ default: m.EChart })));

export function EChart(props: ComponentProps<typeof Chart>) {
  return (
    <Suspense fallback={<Skeleton.Node active style={{ width: '100%', height: props.height ?? 260 }} />}>
      <Chart {...props} />
    </Suspense>
  );
}
