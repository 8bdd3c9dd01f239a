import { Card, Descriptions, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { humanise } from '../../humanise.ts';
import type { RiskSummary } from '../crowdfunding/types.ts';

const COLORS: Record<string, string> = { approve: 'green', refer: 'gold', decline: 'red' };

/** The decision engine's outcome on the creator, in words. */
export function OutcomeTag({ outcome }: { outcome: string }) {
  const { t } = useTranslation('staffCrowdfunding');
  return (
    <Tag color={COLORS[outcome] ?? 'default'}>
      {t(`outcome.${outcome}`, { defaultValue: t('outcome.unavailable') })}
    </Tag>
  );
}

/** A reason code in words: the borrower pages' wording, and the data source a `…:source` reason names. */
export function reasonWords(
  code: string,
  t: (key: string, options?: Record<string, unknown>) => string,
): string {
  const [reason = '', source] = code.split(':');
  const text =
    t(`borrow:reason.${reason}`, { defaultValue: '' }) ||
    t(`staffCrowdfunding:reason.${reason}`, { defaultValue: '' }) ||
    humanise(reason);
  if (!source) return text;
  return `${text} · ${t(`staffRisk:sourceNames.${source}`, { defaultValue: '' }) || humanise(source)}`;
}

/** What the decision engine said of the creator when the project was submitted, for the reviewer. */
export function RiskAdvice({ risk }: { risk: RiskSummary | null }) {
  const { t } = useTranslation('staffCrowdfunding');
  return (
    <Card title={<h2 style={{ fontSize: 18, margin: 0 }}>{t('risk.title')}</h2>}>
      {risk === null ? (
        t('risk.none')
      ) : (
        <Descriptions size="small" column={1}>
          <Descriptions.Item label={t('risk.outcome')}>
            <OutcomeTag outcome={risk.outcome} />
          </Descriptions.Item>
          <Descriptions.Item label={t('risk.grade')}>{risk.grade ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('risk.reasons')}>
            {risk.reasons.length === 0
              ? t('risk.noReasons')
              : risk.reasons.map((r) => reasonWords(r, t)).join(' · ')}
          </Descriptions.Item>
          <Descriptions.Item label={t('risk.kyc')}>
            {t(`common:kycLevels.${risk.kycLevel}`, { defaultValue: String(risk.kycLevel) })}
          </Descriptions.Item>
          <Descriptions.Item label={t('risk.history')}>
            {t('risk.historyText', risk.history)}
          </Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}
