import { Col, Row } from 'antd';
import { useTranslation } from 'react-i18next';
import { Amount, Figure } from '../../components/ui.tsx';
import { formatRate } from '../../money.ts';
import type { Figures } from './types.ts';

/** A campaign's or a channel's figures as headline cards. */
export function FiguresView({ figures }: { figures: Figures }) {
  const { t } = useTranslation('staffCampaigns');
  const pct = (value: string | null) => (value === null ? t('figures.none') : formatRate(value));
  const items: [string, React.ReactNode][] = [
    [t('figures.signUps'), figures.signUps],
    [t('figures.verified'), figures.verified],
    [t('figures.firstTransaction'), figures.firstTransaction],
    [t('figures.convVerified'), pct(figures.conversion.verified)],
    [t('figures.convFirst'), pct(figures.conversion.firstTransaction)],
    [t('figures.convOverall'), pct(figures.conversion.overall)],
    [t('figures.spend'), <Amount key="s" value={figures.spend} />],
    [t('figures.rewardsPaid'), <Amount key="r" value={figures.rewardsPaid} />],
    [
      t('figures.cpa'),
      figures.costPerAcquisition ? <Amount key="c" value={figures.costPerAcquisition} /> : t('figures.none'),
    ],
    [t('figures.invested'), <Amount key="i" value={figures.invested} />],
    [t('figures.borrowed'), <Amount key="b" value={figures.borrowed} />],
    [t('figures.revenue'), <Amount key="v" value={figures.revenue} />],
    [t('figures.ros'), pct(figures.returnOnSpend)],
  ];
  return (
    <Row gutter={[12, 12]}>
      {items.map(([label, value]) => (
        <Col key={label} xs={12} md={8} lg={6}>
          <Figure label={label} value={value} />
        </Col>
      ))}
    </Row>
  );
}
